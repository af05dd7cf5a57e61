import Artifacts
import Foundation

/// Which trained SDE a metrics file judges: its train-sde stage, λ as resolved, K, the diffusion
/// mode, the training seed and the control parameters — what `evaluate` writes into
/// `metrics.json` (`model`) and `metrics.csv`, so that results name their model without the
/// manifest beside them.
public struct ModelRecord: Codable, Equatable, Sendable {
    /// The train-sde stage directory.
    public var stage: String
    /// λ of the likelihood as the model was trained with it (K resolved to a number).
    public var lambda: Double
    /// λ as it was given (`4`, `K`, `0.5K`); nil where the manifest does not record it.
    public var lambdaSetting: String?
    /// K, the number of tiling patches of the training pairs; nil where they record none.
    public var patches: Int?
    /// The diffusion mode (`arbitrary`, `diagonal`, `constantDiagonal`, `constant`).
    public var diffusion: String
    /// The training seed; nil where the manifest records none.
    public var seed: UInt64?
    /// The control parameters the model is conditioned on (empty: none).
    public var controls: [String]

    public init(stage: String, lambda: Double, lambdaSetting: String?, patches: Int?, diffusion: String, seed: UInt64?, controls: [String]) {
        self.stage = stage
        self.lambda = lambda
        self.lambdaSetting = lambdaSetting
        self.patches = patches
        self.diffusion = diffusion
        self.seed = seed
        self.controls = controls
    }

    /// The record of `model`, with λ's setting and the seed from its manifest and K from its first
    /// training pair file (nil where that file is gone or records none).
    public init(_ model: ModelSource) throws {
        let manifest = try StageManifest.read(from: model.directory)
        var setting: String?
        if case .object(let config) = manifest.config, case .object(let sde)? = config["sde"], case .string(let lambda)? = sde["lambda"] {
            setting = lambda
        }
        let pairs = manifest.inputs.first.map { RelativePath.resolve($0.path, in: model.directory) }
        let patches = pairs.flatMap { try? NPZArchive.read($0)["patches"]?.doubleValues().first }.map { Int($0) }
        self.init(stage: model.directory.path, lambda: model.checkpoint.lambda, lambdaSetting: setting, patches: patches,
                  diffusion: model.checkpoint.model.mode.rawValue, seed: manifest.seed, controls: model.controlNames)
    }
}
