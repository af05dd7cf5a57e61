import Artifacts
import Foundation
import Systems

/// Configurations read back from an earlier stage's directory, with the system that produced them.
///
/// A simulation stage provides `trajectories.npz` (`states` of shape `[runs, records, …]`, every
/// record a snapshot, optionally skipping the first `burnIn` records of each run); an upsampling
/// stage provides `snapshots.npz` (`states` of shape `[snapshots, …]`).
public struct SnapshotSource {
    /// The stage directory.
    public let directory: URL
    /// The manifest of that stage.
    public let manifest: StageManifest
    /// The system that produced the snapshots, rebuilt from the manifest's `system` object.
    public let system: any MicroscopicSystem
    /// The file the snapshots come from.
    public let file: URL
    /// That file with the checksum it was verified against, for the next stage's manifest.
    public var input: StageManifest.Input {
        .init(path: file.path, sha256: manifest.outputs.first { $0.path == file.lastPathComponent }!.sha256)
    }

    /// Opens the stage in `directory`; fails clearly if it is incomplete or holds no snapshots.
    public init(directory: URL) throws {
        self.directory = directory
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(StageManifest.fileName).path) else {
            throw ArtifactError(directory.path, "no manifest.json: not a finished stage directory (was the stage interrupted?)")
        }
        manifest = try StageManifest.read(from: directory)
        let changed = manifest.changedOutputs(in: directory)
        guard changed.isEmpty else {
            throw ArtifactError(directory.path, "outputs changed since the stage finished: \(changed.joined(separator: ", "))")
        }
        guard case .object(let config) = manifest.config, let systemConfig = config["system"] else {
            throw ArtifactError(directory.path, "the manifest records no 'system' configuration")
        }
        system = try SystemRegistry.system(from: SystemConfiguration(systemConfig))
        let listed = Set(manifest.outputs.map(\.path))
        guard let name = ["snapshots.npz", "trajectories.npz"].first(where: listed.contains) else {
            throw ArtifactError(directory.path, "its manifest lists neither snapshots.npz nor trajectories.npz")
        }
        let found = directory.appendingPathComponent(name)
        file = found
    }

    /// The snapshots as configurations of `system`'s grid (all records after `burnIn` of every run).
    public func snapshots<System: MicroscopicSystem>(of system: System, burnIn: Int = 0) throws -> [Grid<System.Site>] {
        let states = try NPZArchive.read(file).array("states", in: file.path)
        let stateShape = (system.components > 1 ? [system.components] : []) + system.spatialShape
        let perState = stateShape.reduce(1, *)
        let isTrajectory = file.lastPathComponent == "trajectories.npz"
        let leading = isTrajectory ? 2 : 1
        guard states.shape.count == leading + stateShape.count, Array(states.shape.suffix(stateShape.count)) == stateShape else {
            throw ArtifactError(file.path, "states have shape \(NumPyArray.describe(states.shape)), expected […, \(stateShape.map(String.init).joined(separator: ", "))]")
        }
        let values = try states.elements(as: System.Site.self)
        let runs = states.shape[0], records = isTrajectory ? states.shape[1] : 1
        guard burnIn >= 0 && burnIn < records else {
            throw ArtifactError(file.path, "burn-in \(burnIn) leaves none of the \(records) records per run")
        }
        var grids: [Grid<System.Site>] = []
        grids.reserveCapacity(runs * (records - burnIn))
        for run in 0..<runs {
            for record in burnIn..<records {
                let start = (run * records + record) * perState
                grids.append(Grid(components: system.components, spatialShape: system.spatialShape,
                                  values: Array(values[start..<(start + perState)])))
            }
        }
        return grids
    }
}

/// Stacks configurations into one array of shape `[count, (components,) spatial…]`.
func stackedArray<Site: NumPyElement>(_ grids: [Grid<Site>]) throws -> NumPyArray {
    guard let first = grids.first else { throw ArtifactError("<snapshots>", "no configurations to write") }
    let shape = (first.components > 1 ? [first.components] : []) + first.spatialShape
    return try NumPyArray(grids.flatMap(\.values), shape: [grids.count] + shape)
}
