import Artifacts
import Closure
import Execution
import Foundation
import Learning
import Random
import Systems

/// The closure-autoencoder stage: trains on upsampled snapshots, validates on true large-system
/// snapshots, saves `closure.safetensors` after every epoch (atomically) and at the end with the
/// latent normalisation, and `history.npz`.
public enum TrainClosureStage {
    @discardableResult
    public static func run<System: ClosureSystem>(
        _ system: System, training: [Grid<System.Site>], validation: [Grid<System.Site>], patchShape: [Int],
        closureDimension: Int, settings: ClosureTraining, seed: UInt64, inputs: [StageManifest.Input], directory: URL
    ) throws -> StageManifest {
        _ = try Tiling(large: system.spatialShape, patch: patchShape)
        AllocationPolicy.reuseLargeAllocations()
        let autoencoder = ClosureAutoencoder(system: system, patchShape: patchShape, closureDimension: closureDimension,
                                             random: RandomStream(seed: seed, stage: "closure-init"))
        // The closure dimension the networks have (predator–prey: one per species, whatever was asked).
        let stage = try StageRun(stage: "train-closure", directory: directory,
                                 config: ["system": .object(system.configuration), "training": settings.configuration,
                                          "patchShape": .array(patchShape.map { .number(Double($0)) }),
                                          "closureDimension": .number(Double(autoencoder.closureDimension))],
                                 seed: seed, checkedInputs: inputs, threads: ThreadCount.current)
        let url = directory.appendingPathComponent("closure.safetensors")
        var history: [(Int, Double, Double)] = []
        let progress = Progress("train-closure (snapshots × epochs)", total: settings.epochs * training.count)
        try settings.train(autoencoder, on: training, validation: validation, seed: seed, onBatch: { progress.advance(by: $0) }) {
            epoch, loss, validationLoss in
            history.append((epoch, loss, validationLoss ?? .nan))
            try ClosureCheckpoint.save(autoencoder, to: url)
        }
        progress.finish()
        try ClosureCheckpoint.save(autoencoder, to: url)
        stage.recordOutput("closure.safetensors")
        try stage.write(NPZArchive([
            ("epoch", NumPyArray(history.map { Int64($0.0) })),
            ("trainingLoss", NumPyArray(history.map(\.1))),
            ("validationLoss", NumPyArray(history.map(\.2))),
        ]), as: "history.npz")
        return try stage.finish()
    }
}
