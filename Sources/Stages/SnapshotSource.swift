import Artifacts
import Foundation
import Systems

/// Configurations read back from an earlier stage's directory, with the system that produced them.
///
/// A simulation stage provides `trajectories.npz` (`states` of shape `[runs, records, …]`, every
/// record a snapshot, optionally skipping the first `burnIn` records of each run); an upsampling
/// stage provides `snapshots.npz` (`states` of shape `[snapshots, …]`).
public struct SnapshotSource {
    /// The stage the snapshots come from.
    public let stage: StageSource
    /// The file the snapshots come from.
    public let file: URL

    /// The system that produced the snapshots.
    public var system: any MicroscopicSystem { stage.system }
    /// The snapshot file with the checksum it was verified against, for the next stage's manifest.
    public var input: StageManifest.Input { stage.input(file) }

    /// The snapshots' tiling: patches of `patchShape` if given, else of the small system's shape;
    /// fails if they do not tile the lattice.
    public func tiling(patchShape: [Int]?) throws -> Tiling {
        try Tiling(small: smallShape(), large: system.spatialShape, patch: patchShape)
    }

    /// The spatial shape of the small system the snapshots were built from — the natural patch
    /// shape: recorded by an upsampling stage, a simulation's own shape otherwise.
    private func smallShape() throws -> [Int] {
        guard stage.manifest.stage == "upsample" else { return system.spatialShape }
        guard case .object(let config) = stage.manifest.config, case .array(let shape)? = config["smallShape"] else {
            throw ArtifactError(stage.directory.path, "the upsample manifest records no small-system shape; give the patch size")
        }
        return shape.map { value in if case .number(let n) = value { Int(n) } else { 0 } }
    }

    /// Opens the stage in `directory`; fails clearly if it is incomplete or holds no snapshots.
    public init(directory: URL) throws {
        stage = try StageSource(directory: directory)
        file = try stage.output(["snapshots.npz", "trajectories.npz"])
    }

    /// The snapshots as configurations of `system`'s grid (all records after `burnIn` of every run).
    public func snapshots<System: MicroscopicSystem>(of system: System, burnIn: Int = 0) throws -> [Grid<System.Site>] {
        try selection(of: system, burnIn: burnIn).configurations
    }

    /// Throws unless `burnIn` records can be skipped, reading only the states' shape: none from an
    /// upsample stage's snapshots (they are not runs), fewer than a run's records from trajectories.
    public func checkBurnIn(_ burnIn: Int) throws {
        let shape = try NPZArchive.read(file).array("states", in: file.path).shape
        guard file.lastPathComponent == "trajectories.npz" else {
            guard burnIn == 0 else {
                throw ArtifactError(file.path, "holds upsampled snapshots, not runs: a burn-in (\(burnIn) records) applies to a simulate stage's runs")
            }
            return
        }
        try SnapshotSource.requireRecords(after: burnIn, of: shape.count > 1 ? shape[1] : 0, in: file)
    }

    /// Throws unless runs of `records` records keep some after `burnIn`.
    private static func requireRecords(after burnIn: Int, of records: Int, in file: URL) throws {
        guard burnIn >= 0, burnIn < records else {
            throw ArtifactError(file.path, "burn-in \(burnIn) leaves no records of the \(records) per run")
        }
    }

    /// The snapshots after `burnIn` with their indices among the file's states, flattened run-major
    /// for trajectories (`run * records + record`): what an evolve stage records as its start states.
    public func selection<System: MicroscopicSystem>(of system: System, burnIn: Int = 0) throws
        -> (indices: [Int], configurations: [Grid<System.Site>]) {
        let (records, all) = try flattenedStates(of: system)
        try SnapshotSource.requireRecords(after: burnIn, of: records, in: file)
        let indices = (0..<(all.count / records)).flatMap { run in (run * records + burnIn)..<((run + 1) * records) }
        return (indices, indices.map { all[$0] })
    }

    /// The states at `indices` among the file's flattened states (see `selection`).
    public func snapshots<System: MicroscopicSystem>(of system: System, at indices: [Int]) throws -> [Grid<System.Site>] {
        let all = try flattenedStates(of: system).configurations
        if let bad = indices.first(where: { !all.indices.contains($0) }) {
            throw ArtifactError(file.path, "holds \(all.count) states; no state \(bad)")
        }
        return indices.map { all[$0] }
    }

    /// Every state of the file in order, with the records per run (a snapshot file is one run of records).
    private func flattenedStates<System: MicroscopicSystem>(of system: System) throws -> (records: Int, configurations: [Grid<System.Site>]) {
        let archive = try NPZArchive.read(file)
        let states = try archive.array("states", in: file.path)
        guard file.lastPathComponent == "trajectories.npz" else {
            let all = try configurations(states, of: system, spatialShape: system.spatialShape, source: file.path)
            return (all.count, all)
        }
        let (runs, records, all) = try trajectoryRecords(states, of: system, source: file.path)
        _ = try TrajectorySource.times(in: archive, runs: runs, records: records, file: file)
        return (records, all)
    }
}

/// Stacks configurations into one array of shape `[count, (components,) spatial…]`.
func stackedArray<Site: NumPyElement>(_ grids: [Grid<Site>]) throws -> NumPyArray {
    guard let first = grids.first else { throw ArtifactError("<snapshots>", "no configurations to write") }
    let shape = (first.components > 1 ? [first.components] : []) + first.spatialShape
    return try NumPyArray(grids.flatMap(\.values), shape: [grids.count] + shape)
}
