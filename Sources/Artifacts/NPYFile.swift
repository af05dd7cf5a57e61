import Foundation

/// Reading and writing single arrays in NumPy's `.npy` format, byte-compatible with `np.save`/`np.load`.
public enum NPYFile {
    /// Loads the array in the `.npy` file at `url`, memory-mapping its data rather than copying it.
    public static func read(_ url: URL) throws -> NumPyArray {
        try decode(try mappedContents(of: url), source: url.path)
    }

    /// Decodes a complete `.npy` image; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws -> NumPyArray {
        let (header, offset) = try NPYHeader.decode(data, source: source)
        let expected = try NumPyArray.byteCount(dtype: header.dtype, shape: header.shape, source: source)
        let available = data.count - offset
        let shapeText = "shape \(NumPyArray.describe(header.shape)) of \(header.dtype.numpyName)"
        guard available >= expected else {
            throw ArtifactError(source, "truncated: \(shapeText) needs \(expected) data bytes but only \(available) follow the header")
        }
        guard available == expected else {
            throw ArtifactError(source, "shape/byte-count mismatch: \(shapeText) needs \(expected) data bytes but \(available) follow the header")
        }
        let start = data.startIndex + offset
        return try NumPyArray(dtype: header.dtype, shape: header.shape, bytes: data[start..<(start + expected)])
    }

    /// The `.npy` preamble for `array` (magic, version, header dictionary, padding).
    public static func header(for array: NumPyArray, version: NPYVersion? = nil) -> Data {
        NPYHeader(dtype: array.dtype, shape: array.shape).encoded(version: version)
    }

    /// The complete `.npy` image of `array`, identical to what `np.save` writes.
    public static func encode(_ array: NumPyArray, version: NPYVersion? = nil) -> Data {
        var data = header(for: array, version: version)
        data.append(array.bytes)
        return data
    }

    /// Writes `array` to `url` atomically.
    public static func write(_ array: NumPyArray, to url: URL, version: NPYVersion? = nil) throws {
        try AtomicFile.write(to: url) { sink in
            try sink.write(header(for: array, version: version))
            try sink.write(array.bytes)
        }
    }

    /// The file's bytes, memory-mapped where the platform allows it; errors name the file.
    static func mappedContents(of url: URL) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ArtifactError(url.path, "no such file")
        }
        guard !isDirectory.boolValue else { throw ArtifactError(url.path, "is a directory, not a file") }
        do {
            return try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw ArtifactError(url.path, "cannot read: \(error.localizedDescription)")
        }
    }
}
