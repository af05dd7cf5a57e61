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
public struct SDEFitting: Sendable {
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

    var configuration: JSONValue {
        ["mode": .string(mode.rawValue), "hidden": .array(hidden.map { .number(Double($0)) }),
         "constantStart": .string(constantStart.rawValue), "lambda": .string(lambda.description), "epsilon": .number(epsilon),
         "epochs": .number(Double(epochs)), "batchSize": .number(Double(batchSize)), "learningRate": .number(learningRate),
         "rescaleTime": .bool(rescaleTime), "averagedEpochs": .number(Double(averagedEpochs))]
    }
}

public enum TrainSDEStage {
    /// The latent pairs (`start`, `next`, `dt`, and `varianceFactor` where present) of the pair
    /// file `archive`, read from `url`.
    static func pairs(in archive: NPZArchive, from url: URL) throws -> PairSet {
        let start = try floats(archive.array("start", in: url.path)), next = try floats(archive.array("next", in: url.path))
        let dt = try archive.array("dt", in: url.path).doubleValues()
        guard start.shape.count == 2, start.shape == next.shape, dt.count == start.batch else {
            throw ArtifactError(url.path, "pairs must be start [P, n_z], next [P, n_z], dt [P]; got \(start.shape), \(next.shape), [\(dt.count)]")
        }
        guard start.batch >= 1, start.itemCount >= 1 else { throw ArtifactError(url.path, "holds no pairs") }
        guard dt.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw ArtifactError(url.path, "every dt must be positive and finite") }
        let varianceFactor = try archive.names.contains("varianceFactor") ? archive.array("varianceFactor", in: url.path).doubleValues() : nil
        if let varianceFactor {
            guard varianceFactor.count == dt.count, varianceFactor.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw ArtifactError(url.path, "varianceFactor must hold one positive, finite number per pair")
            }
        }
        return PairSet(start: start, next: next, dt: dt, varianceFactor: varianceFactor)
    }

    static func floats(_ array: NumPyArray) throws -> Tensor {
        Tensor(shape: array.shape, data: array.doubleValues().map(Float.init))
    }

    @discardableResult
    public static func run(pairs pairsURL: URL, validation validationURL: URL?, settings: SDEFitting, seed: UInt64,
                           directory: URL) throws -> StageManifest {
        let archive = try NPZArchive.read(pairsURL)
        var pairs = try TrainSDEStage.pairs(in: archive, from: pairsURL)
        var validation = try validationURL.map { try TrainSDEStage.pairs(in: NPZArchive.read($0), from: $0) }
        let timeScale = settings.rescaleTime ? pairs.dt.reduce(0, +) / Double(pairs.count) : 1
        pairs.dt = pairs.dt.map { $0 / timeScale }
        if let unscaled = validation?.dt { validation?.dt = unscaled.map { $0 / timeScale } }
        if let validation, let validationURL, validation.start.itemCount != pairs.start.itemCount {
            throw ArtifactError(validationURL.path, "validation latents have \(validation.start.itemCount) components, training \(pairs.start.itemCount)")
        }
        let lambda = try settings.lambda.resolved(in: archive, from: pairsURL)
        let stage = try StageRun(stage: "train-sde", directory: directory,
                                 config: ["sde": settings.configuration, "timeScale": .number(timeScale), "lambda": .number(lambda)],
                                 seed: seed, inputs: [pairsURL] + (validationURL.map { [$0] } ?? []), threads: ThreadCount.current)
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
        let modelURL = directory.appendingPathComponent("model.safetensors")
        let progress = Progress("train-sde", total: settings.epochs)
        let history = try training.train(model, on: pairs, validation: validation) { _ in
            try checkpoint.save(to: modelURL)
            progress.advance()
        }
        progress.finish()
        if settings.averagedEpochs > 1 { try checkpoint.save(to: modelURL) }
        stage.recordOutput("model.safetensors")
        try stage.write(NPZArchive([
            ("epoch", NumPyArray(history.map { Int64($0.epoch) })),
            ("trainingLoss", NumPyArray(history.map(\.trainingLoss))),
            ("validationLoss", NumPyArray(history.map { $0.validationLoss ?? .nan })),
            ("learningRate", NumPyArray(history.map(\.learningRate))),
        ]), as: "history.npz")
        return try stage.finish()
    }
}
