import Artifacts
import Foundation
import Systems

/// A finished stage directory opened for reading: its manifest, verified outputs and system.
public struct StageSource {
    /// The stage directory.
    public let directory: URL
    public let manifest: StageManifest
    /// The system the stage worked on, rebuilt from the manifest's `system` object.
    public let system: any MicroscopicSystem

    /// Opens `directory`; fails clearly if the stage did not finish or its outputs changed since.
    public init(directory: URL) throws {
        self.directory = directory
        manifest = try StageSource.finishedManifest(in: directory)
        guard case .object(let config) = manifest.config, let systemConfig = config["system"] else {
            throw ArtifactError(directory.path, "the manifest records no 'system' configuration")
        }
        system = try SystemRegistry.system(from: SystemConfiguration(systemConfig))
    }

    /// The manifest of the finished stage in `directory`, whose outputs are as it recorded them.
    static func finishedManifest(in directory: URL) throws -> StageManifest {
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(StageManifest.fileName).path) else {
            throw ArtifactError(directory.path, "no manifest.json: not a finished stage directory (was the stage interrupted?)")
        }
        let manifest = try StageManifest.read(from: directory)
        let changed = manifest.changedOutputs(in: directory)
        guard changed.isEmpty else {
            throw ArtifactError(directory.path, "outputs changed since the stage finished: \(changed.joined(separator: ", "))")
        }
        return manifest
    }

    /// The first of `names` among the stage's outputs, as a file URL.
    public func output(_ names: [String]) throws -> URL {
        try StageSource.output(names, of: manifest, in: directory)
    }

    /// The first of `names` among the outputs `manifest` lists, as a file URL in `directory`.
    static func output(_ names: [String], of manifest: StageManifest, in directory: URL) throws -> URL {
        let listed = Set(manifest.outputs.map(\.path))
        guard let name = names.first(where: listed.contains) else {
            throw ArtifactError(directory.path, "its manifest lists none of \(names.joined(separator: ", ")) (stage '\(manifest.stage)')")
        }
        return directory.appendingPathComponent(name)
    }

    /// An output file with the checksum it was verified against, for the next stage's manifest.
    public func input(_ file: URL) -> StageManifest.Input {
        StageSource.input(file, of: manifest)
    }

    /// `file`, an output `manifest` lists, with its recorded checksum.
    static func input(_ file: URL, of manifest: StageManifest) -> StageManifest.Input {
        .init(path: file.path, sha256: manifest.outputs.first { $0.path == file.lastPathComponent }?.sha256 ?? "")
    }
}

/// Splits an array of shape `[count, (components,) spatial…]` into `count` configurations of `system`'s layout on `spatialShape`,
/// refusing values that are not states of the system (`MicroscopicSystem.configurations(from:spatialShape:source:)`).
public func configurations<System: MicroscopicSystem>(_ array: NumPyArray, of system: System, spatialShape: [Int], source: String) throws -> [Grid<System.Site>] {
    try system.configurations(from: array, spatialShape: spatialShape, source: source)
}

/// The records of simulated trajectories, `states` of shape `[runs, records, (components,) spatial…]`,
/// as configurations of `system` in run-major order, with the number of runs and records per run.
public func trajectoryRecords<System: MicroscopicSystem>(_ states: NumPyArray, of system: System, source: String) throws
    -> (runs: Int, records: Int, configurations: [Grid<System.Site>]) {
    guard states.shape.count >= 2 else {
        throw ArtifactError(source, "trajectory states must be [runs, records, …]; got \(NumPyArray.describe(states.shape))")
    }
    let runs = states.shape[0], records = states.shape[1]
    let flat = try NumPyArray(dtype: states.dtype, shape: [runs * records] + Array(states.shape.dropFirst(2)), bytes: states.bytes)
    return (runs, records, try configurations(flat, of: system, spatialShape: system.spatialShape, source: source))
}
