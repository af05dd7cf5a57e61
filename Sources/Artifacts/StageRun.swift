import Foundation

/// One execution of a pipeline stage writing into its output directory.
///
/// Opening a run refuses a directory that is or holds one of the stage's inputs, or that another
/// process is writing (`DirectoryLock`, held until `finish()`), before anything on disk changes;
/// then it removes the temporary files an interrupted earlier run left and deletes any earlier
/// `manifest.json` with the outputs it lists, so a directory being rewritten never looks complete
/// and a rerun that fails leaves no stale output behind. Outputs are written
/// atomically one by one; `finish()` checksums them and writes the manifest last. A stage
/// interrupted anywhere before that leaves a directory without a manifest.
public final class StageRun {
    /// The stage directory.
    public let directory: URL
    private let lock: DirectoryLock
    private let stage: String
    private var config: JSONValue
    private let seed: UInt64?
    private let threads: Int
    private let ranks: Int
    private var inputs: [StageManifest.Input]
    private var outputs: [(path: String, arrays: [StageManifest.ArrayRecord])] = []
    private let started = Date()

    /// Starts `stage` in `directory`, checksumming `inputs` as they are now.
    public convenience init(stage: String, directory: URL, config: JSONValue, seed: UInt64?, inputs: [URL], threads: Int, ranks: Int = 1) throws {
        try self.init(stage: stage, directory: directory, config: config, seed: seed,
                      checkedInputs: try inputs.map { .init(path: $0.path, sha256: try SHA256.hex(fileAt: $0)) }, threads: threads, ranks: ranks)
    }

    /// Starts `stage` in `directory` with inputs whose checksums the caller has just verified
    /// (against the manifest of the stage that wrote them), so large inputs are not read twice.
    /// Input paths are recorded relative to `directory`, so a moved run keeps its lineage.
    /// `ranks` is the number of processes sharing the work under `mpirun`, recorded beyond one.
    public init(stage: String, directory: URL, config: JSONValue, seed: UInt64?, checkedInputs: [StageManifest.Input], threads: Int,
                ranks: Int = 1) throws {
        self.directory = directory
        self.stage = stage
        self.config = config
        self.seed = seed
        self.threads = threads
        self.ranks = ranks
        self.inputs = []
        try InputOverlap.check(directory, against: checkedInputs.map(\.path))
        PeakMemory.reset()
        try DirectoryCreation.create(directory)
        lock = try DirectoryLock(directory, for: "this stage")
        checkedInputs.forEach(recordInput)
        try AtomicFile.removeLeftovers(in: directory)
        try StageRun.removeEarlierRun(in: directory)
    }

    /// Deletes an earlier run's `manifest.json` and the outputs it lists, so that a rerun that
    /// fails leaves none of them to be read as files outside any stage. Only regular files inside
    /// the directory are removed, whatever paths the manifest names; an unreadable manifest goes
    /// alone.
    private static func removeEarlierRun(in directory: URL) throws {
        let manifest = directory.appendingPathComponent(StageManifest.fileName)
        guard FileManager.default.fileExists(atPath: manifest.path) else { return }
        let root = directory.standardizedFileURL.resolvingSymlinksInPath().path + "/"
        for output in (try? StageManifest.read(from: directory))?.outputs ?? [] {
            let file = directory.appendingPathComponent(output.path).standardizedFileURL.resolvingSymlinksInPath()
            var isDirectory: ObjCBool = false
            guard !output.path.hasPrefix("/"), file.path.hasPrefix(root),
                  FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            try FileManager.default.removeItem(at: file)
        }
        try FileManager.default.removeItem(at: manifest)
    }

    /// Writes one array as `name` (a `.npy` file name) in the stage directory.
    @discardableResult
    public func write(_ array: NumPyArray, as name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try NPYFile.write(array, to: url)
        record(name, arrays: [.init(name: (name as NSString).deletingPathExtension, dtype: array.dtype.rawValue, shape: array.shape)])
        return url
    }

    /// Writes named arrays as one `.npz` file called `name` in the stage directory.
    @discardableResult
    public func write(_ archive: NPZArchive, as name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try archive.write(to: url)
        record(name, arrays: archive.entries.map { .init(name: $0.name, dtype: $0.array.dtype.rawValue, shape: $0.array.shape) })
        return url
    }

    /// Writes `value` as pretty-printed JSON with sorted keys, `name` in the stage directory.
    public func writeJSON<Value: Encodable>(_ value: Value, as name: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(value), to: directory.appendingPathComponent(name))
        recordOutput(name)
    }

    /// Writes `text` (UTF-8) as `name` in the stage directory (a table, a report page).
    public func writeText(_ text: String, as name: String) throws {
        try AtomicFile.write(Data(text.utf8), to: directory.appendingPathComponent(name))
        recordOutput(name)
    }

    /// Adds an input found while the stage runs, with the checksum the caller has just verified.
    public func recordInput(_ input: StageManifest.Input) {
        inputs.append(.init(path: RelativePath.of(URL(fileURLWithPath: input.path), from: directory), sha256: input.sha256))
    }

    /// Adds a number the stage found while it ran (a count of failures) to its recorded configuration.
    public func recordResult(_ key: String, _ value: JSONValue) {
        guard case .object(var object) = config else { return }
        object[key] = value
        config = .object(object)
    }

    /// Lists a file the stage wrote by other means (a checkpoint, a report) among its outputs.
    public func recordOutput(_ name: String) {
        record(name, arrays: [])
    }

    private func record(_ name: String, arrays: [StageManifest.ArrayRecord]) {
        outputs.removeAll { $0.path == name }
        outputs.append((name, arrays))
    }

    /// Checksums the outputs and writes `manifest.json`, marking the stage complete.
    @discardableResult
    public func finish() throws -> StageManifest {
        let ended = Date()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let manifest = StageManifest(
            stage: stage,
            toolVersion: ToolVersion.description,
            config: config,
            seed: seed,
            inputs: inputs,
            outputs: try outputs.map { output in
                let url = directory.appendingPathComponent(output.path)
                let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
                return .init(path: output.path, sha256: try SHA256.hex(fileAt: url), bytes: size, arrays: output.arrays)
            },
            startTime: formatter.string(from: started),
            endTime: formatter.string(from: ended),
            wallSeconds: ended.timeIntervalSince(started),
            threads: threads,
            peakResidentBytes: PeakMemory.peakResidentBytes(),
            ranks: ranks > 1 ? ranks : nil)
        try AtomicFile.write(try manifest.encoded(), to: directory.appendingPathComponent(StageManifest.fileName))
        lock.release()
        return manifest
    }
}
