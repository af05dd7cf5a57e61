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

    func validate() throws {
        guard (patchSize ?? 1) >= 1, closureDimension >= 1, epochs >= 1 else {
            throw ValidationError("--patch-size, --closure-dimension and --epochs must be at least 1")
        }
    }

    func run() throws {
        stage.apply()
        let source = try SnapshotSource(directory: URL(fileURLWithPath: input))
        guard let system = source.system as? any ClosureSystem else {
            throw ValidationError("\(type(of: source.system).identifier) has no closure variables: encode its observables directly")
        }
        try train(system, source: source)
    }

    private func train<System: ClosureSystem>(_ system: System, source: SnapshotSource) throws {
        var settings = System.referenceClosureTraining
        settings.epochs = epochs
        if let batchSize { settings.batchSize = batchSize }
        if let learningRate { settings.learningRate = learningRate }
        let validationSource = try validation.map { try SnapshotSource(directory: URL(fileURLWithPath: $0)) }
        let manifest = try TrainClosureStage.run(
            system, training: try source.snapshots(of: system), validation: try validationSource?.snapshots(of: system) ?? [],
            patchShape: try source.tiling(patchSize: patchSize).patchShape, closureDimension: closureDimension,
            settings: settings, seed: stage.seed, inputs: [source.input] + (validationSource.map { [$0.input] } ?? []),
            directory: stage.directory)
        print("train-closure \(System.identifier): \(epochs) epochs in \(String(format: "%.1f", manifest.wallSeconds)) s → \(stage.out)")
    }
}
