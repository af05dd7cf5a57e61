import Artifacts
import Foundation

/// Where the start states of an evolve stage came from: the snapshot file, known by its content
/// digest, and the burn-in that selected its states. The evolve manifest records it under
/// `config.snapshots` (`file` relative to the evolve stage directory, `sha256`, `burnIn`), and
/// `evolved.npz` records which states of the file each patch started from (`snapshotIndex`), so
/// that `encode` and `check-estimator` pair every patch with its own snapshot.
public struct SnapshotOrigin: Equatable {
    /// The snapshot file (`snapshots.npz` or `trajectories.npz`).
    public var file: URL
    /// SHA-256 of the file, as its stage's manifest vouches for it.
    public var sha256: String
    /// Records skipped at the start of every trajectory (0 for upsampled snapshots).
    public var burnIn: Int

    public init(file: URL, sha256: String, burnIn: Int) {
        self.file = file
        self.sha256 = sha256
        self.burnIn = burnIn
    }

    /// The snapshots of `source` after `burnIn`.
    public init(_ source: SnapshotSource, burnIn: Int) {
        self.init(file: source.file, sha256: source.input.sha256, burnIn: burnIn)
    }

    /// The record in an evolve manifest written to `directory`.
    func json(relativeTo directory: URL) -> JSONValue {
        ["file": .string(RelativePath.of(file, from: directory)), "sha256": .string(sha256), "burnIn": .number(Double(burnIn))]
    }

    /// Reads the record of the evolve stage `stage`.
    init(recordedBy stage: StageSource) throws {
        guard case .object(let config) = stage.manifest.config, case .object(let record)? = config["snapshots"],
              case .string(let path)? = record["file"], case .string(let sha256)? = record["sha256"],
              case .number(let burnIn)? = record["burnIn"] else {
            throw LineageError(stage.directory.path, "the evolve manifest records no snapshot origin (config.snapshots); run evolve again with this version")
        }
        self.init(file: RelativePath.resolve(path, in: stage.directory), sha256: sha256, burnIn: Int(burnIn))
    }
}

/// A stage's inputs that are not the ones its upstream stage recorded: a missing file, another digest.
public struct LineageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ path: String, _ problem: String) { description = "\(path): \(problem)" }
}
