import Artifacts
import Foundation
import Learning
import Random
import Systems

/// Optimizer settings for a closure autoencoder; each closure system's reference values
/// (Docs/METHOD.md §3) are its `referenceClosureTraining`.
public struct ClosureTraining: Sendable {
    public var epochs = 10
    public var batchSize: Int
    public var learningRate: Double
    public var weightDecay: Adam.WeightDecay
    public var betas: (Double, Double)
    public var amsgrad: Bool

    /// A reconstruction loss that became NaN or infinite, with the epoch.
    public struct Divergence: Error, CustomStringConvertible {
        public let description: String
    }

    /// Settings for ten epochs.
    public init(batchSize: Int, learningRate: Double, weightDecay: Adam.WeightDecay, betas: (Double, Double), amsgrad: Bool) {
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.betas = betas
        self.amsgrad = amsgrad
    }

    public var configuration: JSONValue {
        let decay: String
        switch weightDecay {
        case .l2(let value): decay = "l2 \(value)"
        case .decoupled(let value): decay = "decoupled \(value)"
        }
        return ["epochs": .number(Double(epochs)), "batchSize": .number(Double(batchSize)), "learningRate": .number(learningRate),
                "weightDecay": .string(decay), "betas": [.number(betas.0), .number(betas.1)], "amsgrad": .bool(amsgrad)]
    }

    /// Trains `autoencoder` on `training`, scoring `validation` after every epoch; `onBatch(size)`
    /// runs after every optimizer step (progress), `onEpoch(epoch, training loss, validation loss)`
    /// after each epoch (checkpoints). Finally fits the
    /// latent normalisation: on the training configurations for mean/std, on the validation ones
    /// (when given) for the min–max normalisation, as the reference does.
    public func train<System>(_ autoencoder: ClosureAutoencoder<System>, on training: [Grid<System.Site>],
                              validation: [Grid<System.Site>], seed: UInt64, onBatch: (Int) -> Void = { _ in },
                              onEpoch: (Int, Double, Double?) throws -> Void) throws {
        let optimizer = Adam(autoencoder.parameters, learningRate: learningRate, betas: betas, weightDecay: weightDecay, amsgrad: amsgrad)
        for epoch in stride(from: 1, through: epochs, by: 1) {
            autoencoder.isTraining = true
            var sum = 0.0
            let batches = miniBatches(count: training.count, batchSize: batchSize,
                                      random: RandomStream(seed: seed, stage: "train-closure", index: UInt64(epoch)))
            for indices in batches {
                sum += autoencoder.step(indices.map { training[$0] }, optimizer: optimizer) * Double(indices.count)
                onBatch(indices.count)
            }
            guard sum.isFinite else {
                throw Divergence(description: "the reconstruction loss became \(sum) in epoch \(epoch)")
            }
            autoencoder.isTraining = false
            let validationLoss = validation.isEmpty ? nil : autoencoder.step(validation, optimizer: nil)
            try onEpoch(epoch, sum / Double(training.count), validationLoss)
        }
        switch System.latentNormalization {
        case .meanStd: autoencoder.fitNormalisation(training)
        case .minMaxKeepingMagnetization: autoencoder.fitNormalisation(validation.isEmpty ? training : validation)
        }
    }
}

/// Saving and loading a closure autoencoder with what rebuilds it.
public enum ClosureCheckpoint {
    public static func save<System>(_ autoencoder: ClosureAutoencoder<System>, to url: URL) throws {
        try Checkpoint.save(state: autoencoder.state, metadata: [
            "patchShape": autoencoder.patchShape.map(String.init).joined(separator: ","),
            "closureDimension": String(autoencoder.closureDimension),
            "system": System.identifier,
        ], to: url)
    }

    /// Rebuilds the autoencoder saved in `url` for `system` and loads its weights and normalisation.
    public static func load<System: ClosureSystem>(_ url: URL, system: System) throws -> ClosureAutoencoder<System> {
        let (_, metadata) = try SafeTensors.read(url)
        guard metadata["system"] == System.identifier,
              let dimension = metadata["closureDimension"].flatMap(Int.init),
              let patchShape = metadata["patchShape"]?.split(separator: ",").compactMap({ Int($0) }), !patchShape.isEmpty else {
            throw ArtifactError(url.path, "not a closure checkpoint for \(System.identifier): metadata \(metadata)")
        }
        let autoencoder = ClosureAutoencoder(system: system, patchShape: patchShape, closureDimension: dimension,
                                             random: RandomStream(seed: 0, stage: "load"))
        try Checkpoint.load(state: autoencoder.state, from: url)
        return autoencoder
    }
}
