import Artifacts
import Foundation
import MacroSDE

/// A finished train-sde stage opened for reading: the fitted SDE and what its latents are.
public struct ModelSource {
    /// The model file every train-sde stage writes.
    public static let fileName = "model.safetensors"

    /// The train-sde stage directory.
    public let directory: URL
    /// Its `model.safetensors`, with the checksum its manifest vouches for.
    public let input: StageManifest.Input
    /// The fitted SDE with its time scale and training range.
    public let checkpoint: SDECheckpoint
    /// The latents' system, names and closure model (nil if the pairs came from outside a stage).
    public let lineage: LatentLineage?

    /// Opens the stage in `directory`; fails clearly unless it is a finished train-sde stage.
    public init(directory: URL) throws {
        self.directory = directory
        let manifest = try StageSource.finishedManifest(in: directory)
        let file = try StageSource.output([ModelSource.fileName], of: manifest, in: directory)
        input = StageSource.input(file, of: manifest)
        checkpoint = try SDECheckpoint.load(from: file)
        lineage = try LatentLineage(recordedBy: manifest, in: directory)
        if let lineage, lineage.controls != controlNames {
            throw LineageError(directory.path, "the model is conditioned on (\(controlNames.joined(separator: ", "))), its manifest's lineage names "
                               + "(\(lineage.controls.joined(separator: ", ")))")
        }
    }

    /// The names of the control parameters the model is conditioned on (empty: none).
    public var controlNames: [String] { checkpoint.model.controls?.names ?? [] }
}
