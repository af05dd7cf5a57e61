import ArgumentParser
import Artifacts
import Foundation
import MacroSDE
import Stages

/// `macroscale train-sde`: fit the macroscopic SDE to latent pairs.
struct TrainSDE: CollectiveCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-sde",
        abstract: "Fit dz = b(z)dt + σ(z)dW to latent pairs by the λ-scaled Gaussian likelihood.",
        discussion: """
            --pairs and --validation are .npz files with start [P, n_z], next [P, n_z] and dt [P]; both are \
            repeatable, the files concatenated in the order given, and must hold latents of one lineage (system, \
            latents, closure model, control parameters) — pairs encoded with --control at several values of the \
            controls (say, temperatures) train one SDE conditioned on them. Use \
            --lambda K (the number of patches, read from the pairs) for partial-estimator pairs and 1 for the naive baseline; \
            validation is always scored with λ = 1. Writes model.safetensors (after every epoch), \
            history.npz and manifest.json. A loss that turns NaN stops the run with the epoch, the batch \
            and its value ranges.
            """)

    @Option(help: "Training pairs (.npz with start, next, dt; repeatable, concatenated in order).")
    var pairs: [String]
    @Option(help: "Validation pairs (true one-step pairs; repeatable), scored with λ = 1 each epoch.")
    var validation: [String] = []
    @Option(help: "Diffusion: arbitrary, diagonal, constantDiagonal or constant.")
    var mode = DiffusionMode.arbitrary
    @Option(help: "Start of the constant diffusion: ones (the reference; stays rank one) or identity.")
    var constantStart = ConstantDiffusionStart.ones
    @Option(help: "Hidden widths of the drift and diffusion MLPs, comma-separated.")
    var hidden = "64,64,64"
    @Option(help: "Covariance scale λ: a number, K for the pairs' number of patches (partial estimator), or a multiple of it (0.5K).")
    var lambda = CovarianceScale.value(1)
    @Option(help: "Regularisation ε on the diagonal of the covariance: a number (the reference: 1e-4), or auto, 0.01 × the smallest variance of a latent component's increment over the training pairs.")
    var epsilon = CovarianceRegularisation.auto
    @Option(help: "Epochs.")
    var epochs = 100
    @Option(help: "Pairs per batch.")
    var batchSize = 1024
    @Option(help: "Initial learning rate (AdamW, AMSGrad, halved on plateaus of 5 epochs down to 5e-6).")
    var learningRate = 1e-3
    @Flag(help: "Measure time in units of the mean δt of the training pairs (stored with the model).")
    var rescaleTime = false
    @Option(help: "Average the parameters over the last this many epochs (0: keep the last iterate).")
    var averageEpochs = 0
    @OptionGroup var stage: StageOptions

    /// The settings the options describe.
    var settings: SDEFitting { get throws {
        var settings = SDEFitting()
        settings.mode = mode
        settings.constantStart = constantStart
        settings.hidden = try parsedList(hidden, option: "--hidden", as: Int.self)
        settings.lambda = lambda
        settings.epsilon = epsilon
        settings.epochs = epochs
        settings.batchSize = batchSize
        settings.learningRate = learningRate
        settings.rescaleTime = rescaleTime
        settings.averagedEpochs = averageEpochs
        return settings
    } }

    func validate() throws {
        guard !pairs.isEmpty else { throw ValidationError("give at least one --pairs file") }
        try settings.validateOption()
    }

    func run() throws {
        stage.apply()
        let inputs = try TrainSDEStage.Inputs(pairs: pairs.map { URL(fileURLWithPath: $0) }, validation: validation.map { URL(fileURLWithPath: $0) })
        let manifest = try TrainSDEStage.run(try settings, inputs: inputs, seed: stage.seed, directory: stage.directory)
        let history = try NPZArchive.read(stage.directory.appendingPathComponent("history.npz"))
        let training = try history.array("trainingLoss").elements(as: Double.self)
        let validationLoss = try history.array("validationLoss").elements(as: Double.self)
        print("train-sde: \(epochs) epochs in \(String(format: "%.1f", manifest.wallSeconds)) s; final training loss \(String(format: "%.4f", training.last ?? .nan))"
              + (validation.isEmpty ? "" : ", validation loss \(String(format: "%.4f", validationLoss.last ?? .nan))") + " → \(stage.out)")
    }
}

extension DiffusionMode: ExpressibleByArgument {}
extension CovarianceScale: ExpressibleByArgument {}
extension CovarianceRegularisation: ExpressibleByArgument {}
extension ConstantDiffusionStart: ExpressibleByArgument {}
