import Artifacts
import Distributed
import Execution
import Foundation
import Learning
import Linalg
import MacroSDE
import Random

/// The SDE-learning stage: fits dz = b(z)dt + σ(z)dW to latent pairs by the λ-scaled likelihood.
///
/// Reads pairs from one or more `.npz` with `start` [P, n_z], `next` [P, n_z] and `dt` [P] (float32 or
/// float64), and `varianceFactor` [P] where the estimate's variance is c times a single
/// increment's (two-time estimates: c scales the pair's covariance), optionally validation pairs in the same form (scored with λ = 1).
/// Pairs with `controls` [P, c] (encode's control parameters) train dz = b(z, c)dt + σ(z, c)dW, the
/// controls normalised by their mean and standard deviation over the training pairs. Writes
/// `model.safetensors` after every epoch (atomically, so an interrupted run keeps the last
/// finished epoch), `history.npz` (epoch, training and validation loss, learning rate) and the
/// manifest. With `rescaleTime`, δt is divided by the mean δt of the training pairs and the scale
/// is stored with the model, so rollouts use the same units.
public struct SDEFitting: StageSettings {
    public var mode = DiffusionMode.arbitrary
    public var hidden = [64, 64, 64]
    public var constantStart = ConstantDiffusionStart.ones
    public var lambda = CovarianceScale.value(1)
    public var epsilon = CovarianceRegularisation.auto
    public var epochs = 100
    public var batchSize = 1024
    public var learningRate = 1e-3
    public var rescaleTime = false
    /// Epochs at the end whose parameters are averaged into the model (0: the last iterate).
    public var averagedEpochs = 0

    public init() {}

    public func validate() throws {
        if case .value(let value) = lambda { try SettingsError.require(value > 0 && value.isFinite, "λ must be positive and finite, or K; got \(value)") }
        if case .value(let value) = epsilon { try SettingsError.require(value > 0 && value.isFinite, "ε must be positive and finite, or auto; got \(value)") }
        try SettingsError.require(epochs >= 1 && batchSize >= 1, "epochs and the batch size must be at least 1")
        try SettingsError.require(learningRate > 0 && learningRate.isFinite, "the learning rate must be positive and finite; got \(learningRate)")
        try SettingsError.require(!hidden.isEmpty && hidden.allSatisfy { (1...65536).contains($0) }, "hidden widths must be between 1 and 65536, e.g. 64,64,64; got \(hidden)")
        try SettingsError.require((0...epochs).contains(averagedEpochs), "the averaged epochs must be between 0 and the epochs (\(epochs)); got \(averagedEpochs)")
    }

    var configuration: JSONValue {
        ["mode": .string(mode.rawValue), "hidden": .array(hidden.map { .number(Double($0)) }),
         "constantStart": .string(constantStart.rawValue), "lambda": .string(lambda.description), "epsilon": .string(epsilon.description),
         "epochs": .number(Double(epochs)), "batchSize": .number(Double(batchSize)), "learningRate": .number(learningRate),
         "rescaleTime": .bool(rescaleTime), "averagedEpochs": .number(Double(averagedEpochs))]
    }
}

public enum TrainSDEStage: Stage {
    public static let name = "train-sde"

    /// Training pairs, concatenated in the order given, and optionally validation pairs (true
    /// one-step pairs, scored with λ = 1), likewise.
    public struct Inputs {
        public let pairs: [PairSource]
        public let validation: [PairSource]

        /// Reads the pair files `pairs` and `validation`.
        public init(pairs: [URL], validation: [URL] = []) throws {
            self.pairs = try pairs.map(PairSource.init(file:))
            self.validation = try validation.map(PairSource.init(file:))
        }

        /// What the latents are: the lineage every file shares (`validate` checks they do).
        var lineage: LatentLineage? { pairs.first?.lineage }

        /// K of the training pairs (`validate` checks they agree where λ = K).
        var patches: Int? { pairs.first?.patches }

        /// Every training pair, in the order of the files.
        var trainingPairs: PairSet { Inputs.concatenated(pairs) }

        /// Every validation pair, in the order of the files; nil without validation files.
        var validationPairs: PairSet? { validation.isEmpty ? nil : Inputs.concatenated(validation) }

        private static func concatenated(_ sources: [PairSource]) -> PairSet {
            sources.dropFirst().reduce(sources[0].pairs) { $0.followed(by: $1.pairs) }
        }
    }

    /// Throws unless there are training pairs, every file — training and validation — holds
    /// latents of the same kind (dimension and number of controls; the same lineage — system, latent
    /// names, closure model, control names, not control values — for every training file, and for
    /// a validation file where both record one), and λ = K finds one number of patches in all the
    /// training files.
    public static func validate(_ settings: SDEFitting, inputs: Inputs) throws {
        guard let first = inputs.pairs.first else { throw SettingsError("give at least one file of training pairs") }
        // Generator pairs (conditional moments, the whole lattice's: K = 1) and drawn increments
        // take different likelihood terms and λ: one kind per role.
        for (role, sources) in [("training", inputs.pairs), ("validation", inputs.validation)] {
            guard let kind = sources.first?.pairs.conditionalCovariance.isEmpty,
                  let other = sources.first(where: { $0.pairs.conditionalCovariance.isEmpty != kind }) else { continue }
            throw ArtifactError(other.file.path, "\(role) files must all be generator pairs (with conditionalCovariance) or all drawn increments; "
                                + "\(other.file.path) and \(sources[0].file.path) differ")
        }
        if settings.lambda.scalesWithPatches {
            for source in inputs.pairs {
                guard let patches = source.patches else {
                    throw ArtifactError(source.file.path, "λ = \(settings.lambda) needs the number of patches, which these pairs do not record (encode writes it); give λ as a number")
                }
                guard patches == first.patches else {
                    throw LineageError(source.file.path, "records K = \(patches) patches; \(first.file.path) records K = \(first.patches ?? 0): "
                                       + "λ = K needs one K (give λ as a number to mix them)")
                }
            }
        }
        let files = inputs.pairs.dropFirst().map { ($0, "training") } + inputs.validation.map { ($0, "validation") }
        for (source, role) in files {
            // A validation file made outside a stage (no lineage) is accepted beside encoded training pairs, as it always was.
            guard source.lineage == first.lineage || (role == "validation" && (source.lineage == nil || first.lineage == nil)) else {
                throw LineageError(source.file.path, "holds \(role) latents \(LatentLineage.describe(source.lineage)) other than those of "
                                   + "\(first.file.path), \(LatentLineage.describe(first.lineage))")
            }
            guard source.pairs.start.itemCount == first.pairs.start.itemCount, source.pairs.controlCount == first.pairs.controlCount else {
                throw ArtifactError(source.file.path, "\(role) pairs have \(source.pairs.start.itemCount) latent components and "
                                    + "\(source.pairs.controlCount) control parameters; those of \(first.file.path) "
                                    + "\(first.pairs.start.itemCount) and \(first.pairs.controlCount)")
            }
        }
    }

    public static func perform(_ settings: SDEFitting, inputs: Inputs, seed: UInt64, directory: URL) throws -> StageManifest {
        var pairs = inputs.trainingPairs
        var validation = inputs.validationPairs
        let lambda = settings.lambda.resolved(patches: inputs.patches ?? 0)
        let epsilon = try settings.epsilon.resolved(for: pairs, names: inputs.lineage?.names)
        let timeScale = settings.rescaleTime ? pairs.dt.reduce(0, +) / Double(pairs.count) : 1
        let controls = inputs.lineage.flatMap { $0.controls.isEmpty ? nil : ControlParameters(names: $0.controls, fittedTo: pairs.controls) }
        var config: [String: JSONValue] = ["sde": settings.configuration, "timeScale": .number(timeScale), "lambda": .number(lambda),
                                           "epsilon": .number(epsilon),
                                           "lineage": inputs.lineage?.json ?? .null]
        if let controls {
            config["controls"] = ["names": .array(controls.names.map { .string($0) }), "mean": .array(controls.mean.map { .number($0) }),
                                  "scale": .array(controls.scale.map { .number($0) })]
        }
        // Under mpirun every rank trains on its part of each batch (`RankGroup`) and rank 0 alone writes.
        let world = Communicator.world
        let stage = try world.onRoot {
            try StageRun(stage: name, directory: directory, config: .object(config),
                         seed: seed, checkedInputs: (inputs.pairs + inputs.validation).map(\.input), threads: ThreadCount.current, ranks: world.size)
        }
        pairs.dt = pairs.dt.map { $0 / timeScale }
        if let unscaled = validation?.dt { validation?.dt = unscaled.map { $0 / timeScale } }
        let model = SDEModel(dimension: pairs.start.itemCount, controls: controls, mode: settings.mode, hidden: settings.hidden,
                             constantStart: settings.constantStart, random: RandomStream(seed: seed, stage: "sde-init"))
        let checkpoint = SDECheckpoint(model: model, hidden: settings.hidden, lambda: lambda, epsilon: epsilon, timeScale: timeScale,
                                       startRange: .init(of: pairs.start), trainingStep: pairs.dt.reduce(0, +) / Double(pairs.count),
                                       clock: inputs.lineage.flatMap { $0.clock == .physical ? nil : $0.clock.rawValue })
        var training = SDETraining()
        training.epochs = settings.epochs
        training.batchSize = settings.batchSize
        training.learningRate = settings.learningRate
        training.likelihood = GaussianLikelihood(lambda: lambda, epsilon: epsilon)
        training.epsilonAnnealing = settings.epsilon == .auto ? 1 / CovarianceRegularisation.autoFraction : 1
        training.seed = seed
        training.averagedEpochs = settings.averagedEpochs
        training.group = world.size > 1 ? RankGroup(world: world) : nil
        let modelURL = directory.appendingPathComponent(ModelSource.fileName)
        let progress = Progress("train-sde", total: settings.epochs)
        // Data-parallel ranks keep OpenBLAS to their share of the host's cores (`ThreadCount`), as
        // their own workers do: by default each would take every core.
        let history = try BLASLibrary.withThreads(world.size > 1 ? ThreadCount.current : BLASLibrary.threads) {
            try training.train(model, on: pairs, validation: validation) { epoch in
                _ = try world.onRoot { try checkpoint.save(to: modelURL) }
                progress.show(Progress.losses(training: epoch.trainingLoss, validation: epoch.validationLoss))
                progress.advance()
            }
        }
        progress.finish()
        return try world.fromRoot {
            guard let stage else { preconditionFailure("the root writes the model") }
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
}
