import Foundation

/// The record `manifest.json` keeps beside a stage's outputs: what ran, on what, with what result.
///
/// The manifest is written last and atomically, so its presence means every output it lists was
/// complete when it was written; its checksums tell whether they still are.
public struct StageManifest: Codable, Equatable, Sendable {
    /// An input file and its checksum at the time the stage read it.
    public struct Input: Codable, Equatable, Sendable {
        public var path: String
        public var sha256: String

        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    /// An array stored in an output file (the file itself for `.npy`, one member for `.npz`).
    public struct ArrayRecord: Codable, Equatable, Sendable {
        public var name: String
        public var dtype: String
        public var shape: [Int]

        public init(name: String, dtype: String, shape: [Int]) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
        }
    }

    /// An output file, relative to the stage directory, with its checksum and the arrays it holds.
    public struct Output: Codable, Equatable, Sendable {
        public var path: String
        public var sha256: String
        public var bytes: Int
        public var arrays: [ArrayRecord]

        public init(path: String, sha256: String, bytes: Int, arrays: [ArrayRecord]) {
            self.path = path
            self.sha256 = sha256
            self.bytes = bytes
            self.arrays = arrays
        }
    }

    /// The manifest file name inside a stage directory.
    public static let fileName = "manifest.json"

    public var stage: String
    public var toolVersion: String
    public var config: JSONValue
    public var seed: UInt64?
    public var inputs: [Input]
    public var outputs: [Output]
    public var startTime: String
    public var endTime: String
    public var wallSeconds: Double
    public var threads: Int
    /// The process's peak resident memory while the stage ran, in bytes (nil where not measured,
    /// and in manifests written before it was recorded).
    public var peakResidentBytes: Int?
    /// The processes that shared the stage's work under `mpirun` (nil: one, and in manifests
    /// written before it was recorded); the outputs do not depend on it.
    public var ranks: Int?

    /// Reads `manifest.json` from a stage directory.
    public static func read(from directory: URL) throws -> StageManifest {
        let url = directory.appendingPathComponent(fileName)
        let data = try NPYFile.mappedContents(of: url)
        do {
            return try JSONDecoder().decode(StageManifest.self, from: data)
        } catch {
            throw ArtifactError(url.path, "not a valid stage manifest: \(error)")
        }
    }

    /// The manifest as pretty-printed JSON with sorted keys.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Re-checksums every listed output in `directory`; returns the paths that are missing or changed.
    public func changedOutputs(in directory: URL) -> [String] {
        outputs.compactMap { output in
            let url = directory.appendingPathComponent(output.path)
            return (try? SHA256.hex(fileAt: url)) == output.sha256 ? nil : output.path
        }
    }
}
