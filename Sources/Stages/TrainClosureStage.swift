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
public enum TrainClosureStage: Stage {
    public static let name = "train-closure"

    /// The closure variables wanted, the patch the encoder sees, and the optimizer's overrides of
    /// the system's reference settings (`ClosureSystem.referenceClosureTraining`).
    public struct Settings: StageSettings {
        /// Closure variables (predator–prey always has one per species, whatever is asked).
        public var closureDimension = 2
        /// The encoder's patch (nil: the small-system shape the snapshots were upsampled from).
        public var patchShape: [Int]?
        public var epochs = 10
        /// Snapshots per batch (nil: the system's reference).
        public var batchSize: Int?
        /// Learning rate (nil: the system's reference).
        public var learningRate: Double?

        public init() {}

        public func validate() throws {
            try SettingsError.require((1...1024).contains(closureDimension), "the closure dimension must be between 1 and 1024; got \(closureDimension)")
            if let patchShape { try SettingsError.require(!patchShape.isEmpty && patchShape.allSatisfy { $0 >= 1 }, "the patch shape must be positive; got \(patchShape)") }
            try SettingsError.require(epochs >= 1 && (batchSize ?? 1) >= 1, "the epochs and the batch size must be at least 1")
            if let learningRate { try SettingsError.require(learningRate > 0 && learningRate.isFinite, "the learning rate must be positive and finite; got \(learningRate)") }
        }
    }

    /// The training snapshots (an upsample stage) and, optionally, true large-system snapshots
    /// (a simulate stage) to validate on.
    public struct Inputs {
        public let training: SnapshotSource
        public let validation: SnapshotSource?

        /// Opens the stages in `training` and `validation`.
        public init(training: URL, validation: URL? = nil) throws {
            self.training = try SnapshotSource(directory: training)
            self.validation = try validation.map(SnapshotSource.init(directory:))
        }
    }

    /// Throws unless the system has closure variables, the patch tiles its lattice, its networks fit
    /// the lattice (`validateClosure`), and the validation snapshots are of the same system and lattice.
    public static func validate(_ settings: Settings, inputs: Inputs) throws {
        let system = inputs.training.system
        guard let closureSystem = system as? any ClosureSystem else {
            throw SettingsError("\(type(of: system).identifier) has no closure variables: encode its observables directly")
        }
        try closureSystem.validateClosure(patchShape: try inputs.training.tiling(patchShape: settings.patchShape).patchShape)
        if let validation = inputs.validation {
            guard type(of: validation.system).identifier == type(of: system).identifier, validation.system.spatialShape == system.spatialShape else {
                throw LineageError(validation.stage.directory.path, "holds \(type(of: validation.system).identifier) on \(validation.system.spatialShape); "
                                   + "the training snapshots are \(type(of: system).identifier) on \(system.spatialShape)")
            }
        }
    }

    public static func perform(_ settings: Settings, inputs: Inputs, seed: UInt64, directory: URL) throws -> StageManifest {
        guard let system = inputs.training.system as? any ClosureSystem else { throw SettingsError("the system has no closure variables") }
        return try perform(settings, system: system, inputs: inputs, seed: seed, directory: directory)
    }

    private static func perform<System: ClosureSystem>(_ settings: Settings, system: System, inputs: Inputs, seed: UInt64, directory: URL) throws -> StageManifest {
        var training = System.referenceClosureTraining
        training.epochs = settings.epochs
        if let batchSize = settings.batchSize { training.batchSize = batchSize }
        if let learningRate = settings.learningRate { training.learningRate = learningRate }
        return try train(system, training: try inputs.training.snapshots(of: system), validation: try inputs.validation?.snapshots(of: system) ?? [],
                         patchShape: try inputs.training.tiling(patchShape: settings.patchShape).patchShape,
                         closureDimension: settings.closureDimension, settings: training, seed: seed,
                         inputs: [inputs.training.input] + (inputs.validation.map { [$0.input] } ?? []), directory: directory)
    }

    /// Trains a closure autoencoder of `closureDimension` variables on `patchShape` patches of
    /// the `training` snapshots and writes the stage.
    @discardableResult
    public static func train<System: ClosureSystem>(
        _ system: System, training: [Grid<System.Site>], validation: [Grid<System.Site>], patchShape: [Int],
        closureDimension: Int, settings: ClosureTraining, seed: UInt64, inputs: [StageManifest.Input], directory: URL
    ) throws -> StageManifest {
        _ = try Tiling(large: system.spatialShape, patch: patchShape)
        AllocationPolicy.reuseLargeAllocations()
        let autoencoder = ClosureAutoencoder(system: system, patchShape: patchShape, closureDimension: closureDimension,
                                             random: RandomStream(seed: seed, stage: "closure-init"))
        // The closure dimension the networks have (predator–prey: one per species, whatever was asked).
        let stage = try StageRun(stage: name, directory: directory,
                                 config: ["system": .object(system.configuration), "training": settings.configuration,
                                          "patchShape": .array(patchShape.map { .number(Double($0)) }),
                                          "closureDimension": .number(Double(autoencoder.closureDimension))],
                                 seed: seed, checkedInputs: inputs, threads: ThreadCount.current)
        let url = directory.appendingPathComponent(ClosureSource.fileName)
        var history: [(Int, Double, Double)] = []
        let progress = Progress("train-closure (snapshots × epochs)", total: settings.epochs * training.count)
        try settings.train(autoencoder, on: training, validation: validation, seed: seed, onBatch: { progress.advance(by: $0) }) {
            epoch, loss, validationLoss in
            history.append((epoch, loss, validationLoss ?? .nan))
            progress.show(Progress.losses(training: loss, validation: validationLoss))
            try ClosureCheckpoint.save(autoencoder, to: url)
        }
        progress.finish()
        try ClosureCheckpoint.save(autoencoder, to: url)
        stage.recordOutput(ClosureSource.fileName)
        try stage.write(NPZArchive([
            ("epoch", NumPyArray(history.map { Int64($0.0) })),
            ("trainingLoss", NumPyArray(history.map(\.1))),
            ("validationLoss", NumPyArray(history.map(\.2))),
        ]), as: "history.npz")
        return try stage.finish()
    }
}
