import Artifacts
import Foundation
import Systems

/// A finished evolve stage opened for reading, with the start states its patches were cut from.
///
/// The start states are found through the lineage the stage recorded (`SnapshotOrigin`): the
/// snapshot file — at its recorded place relative to the evolve stage, or in `snapshots` if given —
/// must have the recorded digest, and each patch is paired with the state at its `snapshotIndex`.
public struct EvolveSource {
    /// The evolve stage.
    public let stage: StageSource
    /// Its `evolved.npz`.
    public let file: URL
    /// The stage the start states come from, verified against the recorded digest.
    public let snapshots: SnapshotSource
    /// Where evolve recorded its start states came from (file, digest, burn-in).
    public let origin: SnapshotOrigin

    /// The system the stage evolved.
    public var system: any MicroscopicSystem { stage.system }
    /// The evolved patches and the snapshot file with their checksums, for the next stage's manifest.
    public var inputs: [StageManifest.Input] { [stage.input(file), snapshots.input] }

    /// Opens the evolve stage in `directory`; `snapshotDirectory` overrides where its snapshot stage is.
    public init(directory: URL, snapshots snapshotDirectory: URL? = nil) throws {
        stage = try StageSource(directory: directory)
        file = try stage.output(["evolved.npz"])
        origin = try SnapshotOrigin(recordedBy: stage)
        let location = snapshotDirectory ?? origin.file.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: location.path) else {
            throw LineageError(location.path, "the snapshot stage evolve started from is not there (give its directory with --snapshots)")
        }
        snapshots = try SnapshotSource(directory: location)
        guard snapshots.input.sha256 == origin.sha256 else {
            throw LineageError(snapshots.file.path, "is not the snapshot file evolve started from (SHA-256 \(snapshots.input.sha256.prefix(12))…, recorded \(origin.sha256.prefix(12))…)")
        }
    }

    /// The evolved patches of `system` and the snapshots they were cut from, snapshot j the start
    /// of the patches `patches.entries(ofSnapshot: j)`.
    public func read<System: MicroscopicSystem>(_ system: System) throws -> (snapshots: [Grid<System.Site>], patches: EvolvedPatches<System.Site>) {
        let patches = try EvolvedPatches.read(file, of: system)
        let starts = (0..<patches.snapshotCount).map { patches.snapshotIndex[patches.entries(ofSnapshot: $0).lowerBound] }
        return (try snapshots.snapshots(of: system, at: starts), patches)
    }
}
