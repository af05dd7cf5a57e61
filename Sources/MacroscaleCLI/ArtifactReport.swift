import Artifacts
import Foundation

/// A plain-text description of an artifact, as `macroscale inspect` prints it.
struct ArtifactReport {
    var text = ""
    /// False when a stage directory's outputs do not match its manifest.
    var intact = true

    /// Describes a `.npy` file, a `.npz` file, or a stage directory.
    static func describe(_ url: URL) throws -> ArtifactReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ArtifactError(url.path, "no such file or directory")
        }
        var report = ArtifactReport()
        if isDirectory.boolValue {
            try report.addStageDirectory(url)
        } else {
            try report.addFile(url)
        }
        return report
    }

    private mutating func addFile(_ url: URL, displayName: String? = nil) throws {
        let name = displayName ?? url.path
        switch url.pathExtension {
        case "npy":
            line("\(name)")
            line("  " + ArrayStatistics(try NPYFile.read(url)).summary)
        case "npz":
            let archive = try NPZArchive.read(url)
            line("\(name): \(archive.entries.count) arrays")
            let width = archive.names.map(\.count).max() ?? 0
            for (member, array) in archive.entries {
                line("  \(member.padding(toLength: width, withPad: " ", startingAt: 0))  \(ArrayStatistics(array).summary)")
            }
        case "safetensors":
            let (entries, metadata) = try SafeTensors.read(url)
            line("\(name): \(entries.count) tensors")
            for key in metadata.keys.sorted() { line("  metadata \(key) = \(metadata[key]!)") }
            let width = entries.map(\.name.count).max() ?? 0
            for entry in entries {
                line("  \(entry.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(ArrayStatistics(entry.array).summary)")
            }
        default:
            throw ArtifactError(url.path, "not an array artifact (expected .npy, .npz or .safetensors)")
        }
    }

    private mutating func addStageDirectory(_ url: URL) throws {
        let manifestURL = url.appendingPathComponent(StageManifest.fileName)
        if FileManager.default.fileExists(atPath: manifestURL.path) {
            let manifest = try StageManifest.read(from: url)
            line("stage \(manifest.stage) in \(url.path)")
            line("  tool     \(manifest.toolVersion)")
            line("  seed     \(manifest.seed.map(String.init) ?? "none")")
            line("  ran      \(manifest.startTime) for \(String(format: "%.2f", manifest.wallSeconds)) s on \(manifest.threads) threads")
            line("  config   \(manifest.config)")
            for input in manifest.inputs { line("  input    \(input.path) sha256 \(input.sha256.prefix(12))…") }
            let changed = Set(manifest.changedOutputs(in: url))
            for output in manifest.outputs {
                line("  output   \(output.path) \(changed.contains(output.path) ? "MISSING OR CHANGED since the manifest was written" : "checksum ok")")
            }
            intact = changed.isEmpty
        } else {
            line("\(url.path): no \(StageManifest.fileName) — an incomplete or interrupted stage, or not a stage directory")
            intact = false
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: url.path)
            .filter { ["npy", "npz", "safetensors"].contains(($0 as NSString).pathExtension) }
            .filter { !$0.hasPrefix(".") }
            .sorted()
        for file in files {
            try addFile(url.appendingPathComponent(file), displayName: file)
        }
    }

    private mutating func line(_ text: String) {
        self.text += text + "\n"
    }
}

/// Summary statistics of one array, skipping NaN and infinite values in min, max and mean.
struct ArrayStatistics {
    let array: NumPyArray
    var minimum = Double.nan
    var maximum = Double.nan
    var mean = Double.nan
    var nanCount = 0
    var infiniteCount = 0

    init(_ array: NumPyArray) {
        self.array = array
        var sum = 0.0, finite = 0
        for value in array.doubleValues() {
            if value.isNaN { nanCount += 1; continue }
            if value.isInfinite { infiniteCount += 1; continue }
            minimum = finite == 0 ? value : min(minimum, value)
            maximum = finite == 0 ? value : max(maximum, value)
            sum += value
            finite += 1
        }
        if finite > 0 { mean = sum / Double(finite) }
    }

    var summary: String {
        var text = "\(array.dtype.numpyName) \(NumPyArray.describe(array.shape))"
        if array.count == 0 { return text + " empty" }
        text += " min \(Self.format(minimum)) max \(Self.format(maximum)) mean \(Self.format(mean))"
        text += " nan \(nanCount)"
        if infiniteCount > 0 { text += " inf \(infiniteCount)" }
        return text
    }

    static func format(_ value: Double) -> String { String(format: "%.6g", value) }
}
