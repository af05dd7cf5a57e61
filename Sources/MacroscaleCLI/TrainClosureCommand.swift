import ArgumentParser
import Closure
import Foundation
import Stages
import Systems

/// `macroscale train-closure`: the closure autoencoder stage.
struct TrainClosure: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-closure",
        abstract: "Train the closure autoencoder on upsampled snapshots (Ising, predator–prey).",
        discussion: """
            The per-patch encoder, averaged over each snapshot's patches, gives the closure variables; the \
            decoder reconstructs the snapshot from (observables, closure). Optimizer defaults are the \
            reference's for the system (Docs/METHOD.md §3). Writes closure.safetensors (every epoch, and at the end with \
            the latent normalisation) and history.npz.
            """)

    @Option(help: "Upsample stage with the training snapshots.")
    var input: String
    @Option(help: "Simulate stage of the large system whose records validate (optional).")
    var validation: String?
    @Option(help: "Patch size per axis (default: the small-system size the snapshots were upsampled from).")
    var patchSize: Int?
    @Option(help: "Closure variables (Ising; predator–prey always has one per species).")
    var closureDimension = 2
    @Option(help: "Epochs.")
    var epochs = 10
    @Option(help: "Snapshots per batch (default: the reference's, 512 Ising, 256 predator–prey).")
    var batchSize: Int?
    @Option(help: "Learning rate (default: the reference's).")
    var learningRate: Double?
    @OptionGroup var stage: StageOptions

    /// The settings the options describe, for a system of `rank` spatial dimensions.
    func settings(rank: Int) -> TrainClosureStage.Settings {
        var settings = TrainClosureStage.Settings()
        settings.closureDimension = closureDimension
        settings.patchShape = patchSize.map { [Int](repeating: $0, count: rank) }
        settings.epochs = epochs
        settings.batchSize = batchSize
        settings.learningRate = learningRate
        return settings
    }

    func validate() throws {
        try settings(rank: 1).validateOption()
    }

    func run() throws {
        stage.apply()
        let inputs = try TrainClosureStage.Inputs(training: URL(fileURLWithPath: input), validation: validation.map { URL(fileURLWithPath: $0) })
        let manifest = try TrainClosureStage.run(settings(rank: inputs.training.system.spatialShape.count), inputs: inputs,
                                                 seed: stage.seed, directory: stage.directory)
        print("train-closure \(type(of: inputs.training.system).identifier): \(epochs) epochs in \(String(format: "%.1f", manifest.wallSeconds)) s → \(stage.out)")
    }
}
