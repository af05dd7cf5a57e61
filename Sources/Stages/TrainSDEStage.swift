import Artifacts
import Execution
import Foundation
import Learning
import MacroSDE
import Random

/// The SDE-learning stage: fits dz = b(z)dt + σ(z)dW to latent pairs by the λ-scaled likelihood.
///
/// Reads pairs from an `.npz` with `start` [P, n_z], `next` [P, n_z] and `dt` [P] (float32 or
/// float64), and `varianceFactor` [P] where the estimate's variance is c times a single
/// increment's (two-time estimates: c scales the pair's covariance), optionally validation pairs in the same form (scored with λ = 1). Writes
/// `model.safetensors` after every epoch (atomically, so an interrupted run keeps the last
/// finished epoch), `history.npz` (epoch, training and validation loss, learning rate) and the
/// manifest. With `rescaleTime`, δt is divided by the mean δt of the training pairs and the scale
/// is stored with the model, so rollouts use the same units.
public struct SDEFitting: StageSettings {
    public var mode = DiffusionMode.arbitrary
    public var hidden = [64, 64, 64]
    public var constantStart = ConstantDiffusionStart.ones
    public var lambda = CovarianceScale.value(1)
    public var epsilon = 1e-4
    public var epochs = 100
    public var batchSize = 1024
    public var learningRate = 1e-3
    public var rescaleTime = false
    /// Epochs at the end whose parameters are averaged into the model (0: the last iterate).
    public var averagedEpochs = 0

    public init() {}

    public func validate() throws {
        if case .value(let value) = lambda { try SettingsError.require(value > 0 && value.isFinite, "λ must be positive and finite, or K; got \(value)") }
        try SettingsError.require(epsilon > 0 && epsilon.isFinite, "ε must be positive and finite; got \(epsilon)")
        try SettingsError.require(epochs >= 1 && batchSize >= 1, "epochs and the batch size must be at least 1")
        try SettingsError.require(learningRate > 0 && learningRate.isFinite, "the learning rate must be positive and finite; got \(learningRate)")
        try SettingsError.require(!hidden.isEmpty && hidden.allSatisfy { (1...65536).contains($0) }, "hidden widths must be between 1 and 65536, e.g. 64,64,64; got \(hidden)")
        try SettingsError.require((0...epochs).contains(averagedEpochs), "the averaged epochs must be between 0 and the epochs (\(epochs)); got \(averagedEpochs)")
    }

    var configuration: JSONValue {
        ["mode": .string(mode.rawValue), "hidden": .array(hidden.map { .number(Double($0)) }),
         "constantStart": .string(constantStart.rawValue), "lambda": .string(lambda.description), "epsilon": .number(epsilon),
         "epochs": .number(Double(epochs)), "batchSize": .number(Double(batchSize)), "learningRate": .number(learningRate),
         "rescaleTime": .bool(rescaleTime), "averagedEpochs": .number(Double(averagedEpochs))]
    }
}

public enum TrainSDEStage: Stage {
    public static let name = "train-sde"

    /// Training pairs and, optionally, validation pairs (true one-step pairs, scored with λ = 1).
    public struct Inputs {
        public let pairs: PairSource
        public let validation: PairSource?

        /// Reads the pair files `pairs` and `validation`.
        public init(pairs: URL, validation: URL? = nil) throws {
            self.pairs = try PairSource(file: pairs)
            self.validation = try validation.map(PairSource.init(file:))
        }
    }

    /// Throws unless the validation pairs are latents of the same kind as the training pairs and
    /// λ = K finds the number of patches in the training pairs.
    public static func validate(_ settings: SDEFitting, inputs: Inputs) throws {
        if settings.lambda == .patchCount, inputs.pairs.patches == nil {
            throw ArtifactError(inputs.pairs.file.path, "λ = K needs the number of patches, which these pairs do not record (encode writes it); give λ as a number")
        }
        guard let validation = inputs.validation else { return }
        guard validation.pairs.start.itemCount == inputs.pairs.pairs.start.itemCount else {
            throw ArtifactError(validation.file.path, "validation latents have \(validation.pairs.start.itemCount) components, training \(inputs.pairs.pairs.start.itemCount)")
        }
        if let trained = inputs.pairs.lineage, let validated = validation.lineage, trained != validated {
            throw LineageError(validation.file.path, "holds latents (\(validated.names.joined(separator: ", ")) of \(validated.system), closure "
                               + "\(validated.closure?.prefix(12) ?? "none")) other than the training pairs' (\(trained.names.joined(separator: ", ")) of "
                               + "\(trained.system), closure \(trained.closure?.prefix(12) ?? "none"))")
        }
    }

    public static func perform(_ settings: SDEFitting, inputs: Inputs, seed: UInt64, directory: URL) throws -> StageManifest {
        var pairs = inputs.pairs.pairs
        var validation = inputs.validation?.pairs
        let lambda = settings.lambda.resolved(patches: inputs.pairs.patches ?? 0)
        let timeScale = settings.rescaleTime ? pairs.dt.reduce(0, +) / Double(pairs.count) : 1
        let stage = try StageRun(stage: name, directory: directory,
                                 config: ["sde": settings.configuration, "timeScale": .number(timeScale), "lambda": .number(lambda),
                                          "lineage": inputs.pairs.lineage?.json ?? .null],
                                 seed: seed, checkedInputs: [inputs.pairs.input] + (inputs.validation.map { [$0.input] } ?? []),
                                 threads: ThreadCount.current)
        pairs.dt = pairs.dt.map { $0 / timeScale }
        if let unscaled = validation?.dt { validation?.dt = unscaled.map { $0 / timeScale } }
        let model = SDEModel(dimension: pairs.start.itemCount, mode: settings.mode, hidden: settings.hidden,
                             constantStart: settings.constantStart, random: RandomStream(seed: seed, stage: "sde-init"))
        let checkpoint = SDECheckpoint(model: model, hidden: settings.hidden, lambda: lambda, epsilon: settings.epsilon, timeScale: timeScale,
                                       startRange: .init(of: pairs.start), trainingStep: pairs.dt.reduce(0, +) / Double(pairs.count))
        var training = SDETraining()
        training.epochs = settings.epochs
        training.batchSize = settings.batchSize
        training.learningRate = settings.learningRate
        training.likelihood = GaussianLikelihood(lambda: lambda, epsilon: settings.epsilon)
        training.seed = seed
        training.averagedEpochs = settings.averagedEpochs
        let modelURL = directory.appendingPathComponent(ModelSource.fileName)
        let progress = Progress("train-sde", total: settings.epochs)
        let history = try training.train(model, on: pairs, validation: validation) { _ in
            try checkpoint.save(to: modelURL)
            progress.advance()
        }
        progress.finish()
        if settings.averagedEpochs > 1 { try checkpoint.save(to: modelURL) }
        stage.recordOutput(ModelSource.fileName)
        try stage.write(NPZArchive([
            ("epoch", NumPyArray(history.map { Int64($0.epoch) })),
            ("trainingLoss", NumPyArray(history.map(\.trainingLoss))),
            ("validationLoss", NumPyArray(history.map { $0.validationLoss ?? .nan })),
            ("learningRate", NumPyArray(history.map(\.learningRate))),
        ]), as: "history.npz")
        return try stage.finish()
    }
}
