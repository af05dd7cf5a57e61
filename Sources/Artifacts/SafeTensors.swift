import Foundation

/// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON naming every
/// tensor's dtype, shape and byte range (plus optional string metadata under `__metadata__`), then
/// the raw little-endian data. Readable from Python with `json` + `numpy.frombuffer`, or the
/// `safetensors` package.
public enum SafeTensors {
    /// One named tensor.
    public struct Entry: Equatable, Sendable {
        public var name: String
        public var array: NumPyArray

        public init(_ name: String, _ array: NumPyArray) {
            self.name = name
            self.array = array
        }
    }

    private static let dtypeNames: [DType: String] = [
        .float32: "F32", .float64: "F64", .int8: "I8", .uint8: "U8", .bool: "BOOL", .int32: "I32", .int64: "I64",
    ]

    /// Writes `entries` (in order) and `metadata` to `url` atomically.
    public static func write(_ entries: [Entry], metadata: [String: String] = [:], to url: URL) throws {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for entry in entries {
            guard header[entry.name] == nil, entry.name != "__metadata__" else {
                throw ArtifactError(url.path, "two tensors are both named '\(entry.name)'")
            }
            let end = offset + entry.array.bytes.count
            header[entry.name] = ["dtype": dtypeNames[entry.array.dtype]!, "shape": entry.array.shape, "data_offsets": [offset, end]]
            offset = end
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad the header with spaces to a multiple of 8 bytes, so the data is aligned.
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        try AtomicFile.write(to: url) { sink in
            var length = UInt64(json.count).littleEndian
            try sink.write(Data(bytes: &length, count: 8))
            try sink.write(json)
            for entry in entries { try sink.write(entry.array.bytes) }
        }
    }

    /// Reads every tensor (in header order of offsets) and the metadata of the file at `url`.
    public static func read(_ url: URL) throws -> (entries: [Entry], metadata: [String: String]) {
        try decode(try NPYFile.mappedContents(of: url), source: url.path)
    }

    /// Decodes a complete safetensors image; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws -> (entries: [Entry], metadata: [String: String]) {
        guard data.count >= 8 else { throw ArtifactError(source, "truncated: shorter than the 8-byte safetensors header length") }
        let length = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(data.count - 8) else {
            throw ArtifactError(source, "truncated: the header claims \(length) bytes but the file has \(data.count - 8) after the length")
        }
        let headerEnd = 8 + Int(length)
        guard let header = try? JSONSerialization.jsonObject(with: data[(data.startIndex + 8)..<(data.startIndex + headerEnd)]) as? [String: Any] else {
            throw ArtifactError(source, "the safetensors header is not a JSON object")
        }
        let metadata = header["__metadata__"] as? [String: String] ?? [:]
        let byName = Dictionary(uniqueKeysWithValues: dtypeNames.map { ($1, $0) })
        var entries: [(start: Int, entry: Entry)] = []
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtypeName = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2 else {
                throw ArtifactError(source, "tensor '\(name)': malformed header entry")
            }
            guard let dtype = byName[dtypeName] else { throw ArtifactError(source, "tensor '\(name)': unsupported dtype \(dtypeName)") }
            guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= data.count - headerEnd else {
                throw ArtifactError(source, "tensor '\(name)': data range \(offsets) lies outside the file")
            }
            let start = headerEnd + offsets[0], end = headerEnd + offsets[1]
            let bytes = data[(data.startIndex + start)..<(data.startIndex + end)]
            do {
                entries.append((start, Entry(name, try NumPyArray(dtype: dtype, shape: shape, bytes: Data(bytes)))))
            } catch let error as ArtifactError {
                throw ArtifactError(source, "tensor '\(name)': \(error.problem)")
            }
        }
        return (entries.sorted { $0.start < $1.start }.map(\.entry), metadata)
    }
}
