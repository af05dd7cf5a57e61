import Artifacts
import Closure
import Foundation
import Systems

/// A finished train-closure stage opened for reading: its closure model file, verified.
public struct ClosureSource {
    /// The model file every train-closure stage writes.
    public static let fileName = "closure.safetensors"

    /// The train-closure stage.
    public let stage: StageSource
    /// Its `closure.safetensors`.
    public let file: URL

    /// The model file with its checksum, for the next stage's manifest.
    public var input: StageManifest.Input { stage.input(file) }

    /// Opens the stage in `directory`; fails clearly unless it is a finished train-closure stage.
    public init(directory: URL) throws {
        stage = try StageSource(directory: directory)
        file = try stage.output([ClosureSource.fileName])
    }

    /// Throws unless the closure model was trained on snapshots of `system`'s kind.
    func check(describes system: any MicroscopicSystem) throws {
        guard type(of: stage.system).identifier == type(of: system).identifier else {
            throw LineageError(stage.directory.path, "is a closure model of \(type(of: stage.system).identifier), not of \(type(of: system).identifier)")
        }
    }

    /// The closure autoencoder, for `system` (of the kind it was trained on).
    func autoencoder<System: ClosureSystem>(for system: System) throws -> ClosureAutoencoder<System> {
        try ClosureCheckpoint.load(file, system: system)
    }
}
