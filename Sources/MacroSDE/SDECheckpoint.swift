import Artifacts
import Foundation
import Learning
import Random

/// An `SDEModel` with what it takes to use it: its architecture, the λ and ε it was fitted with,
/// the time scale its time steps are measured in, the range of latents it was trained on and, for a
/// conditioned model, its control parameters' names and normalisation, saved together as one
/// safetensors file (a model without controls writes no control metadata). The metadata names the
/// activation too, so that the file alone describes the networks (Docs/SDE.md, *Checkpoint*).
public struct SDECheckpoint {
    /// The per-component minimum and maximum of a set of latents.
    public struct LatentRange: Codable, Equatable, Sendable {
        public var lower: [Double]
        public var upper: [Double]

        public init(lower: [Double], upper: [Double]) {
            self.lower = lower
            self.upper = upper
        }

        /// This range widened by ten times its width on each side: beyond it a rollout counts as a
        /// runaway (a model whose drift grows without bound where it was never trained), far beyond
        /// anything a merely inaccurate model reaches. A component of zero width gets a margin of 10.
        public var escapeBounds: LatentRange {
            let margins = zip(lower, upper).map { 10 * ($1 > $0 ? $1 - $0 : 1) }
            return LatentRange(lower: zip(lower, margins).map { $0 - $1 }, upper: zip(upper, margins).map { $0 + $1 })
        }

        /// The range of the rows of `latents` [P, n_z].
        public init(of latents: Tensor) {
            let d = latents.itemCount
            lower = (0..<d).map { k in Double(Swift.stride(from: k, to: latents.data.count, by: d).map { latents.data[$0] }.min()!) }
            upper = (0..<d).map { k in Double(Swift.stride(from: k, to: latents.data.count, by: d).map { latents.data[$0] }.max()!) }
        }
    }

    public var model: SDEModel
    public var hidden: [Int]
    public var lambda: Double
    public var epsilon: Double
    /// Pairs' time per model time unit (their δt were divided by it for training).
    public var timeScale: Double
    /// The clock the pairs' time runs on where it is not physical time (`sweeps`: `encode --clock`),
    /// so that the file alone says what a model time unit is; nil: physical time.
    public var clock: String?
    /// The range of the training pairs' start latents; nil for checkpoints written before it was recorded.
    public var startRange: LatentRange?
    /// The training pairs' mean δt in model time units (1 with rescaled time): the longest
    /// Euler–Maruyama step rollouts take. Nil for checkpoints written before it was recorded.
    public var trainingStep: Double?

    public init(model: SDEModel, hidden: [Int], lambda: Double, epsilon: Double, timeScale: Double, startRange: LatentRange? = nil,
                trainingStep: Double? = nil, clock: String? = nil) {
        self.model = model
        self.hidden = hidden
        self.lambda = lambda
        self.epsilon = epsilon
        self.timeScale = timeScale
        self.startRange = startRange
        self.trainingStep = trainingStep
        self.clock = clock
    }

    /// Euler–Maruyama steps to take over a physical interval `dt`: enough that none is longer than
    /// the training pairs' δt, which is the step the model's drift and diffusion were fitted at
    /// (one for checkpoints that do not record it). Throws for an interval that would take more
    /// than `maximumSubsteps`, or is not a positive, finite time.
    public func substeps(over dt: Double) throws -> Int {
        guard dt > 0 && dt.isFinite else { throw SubstepError(description: "a rollout step must be a positive, finite time; got \(dt)") }
        guard let trainingStep, trainingStep > 0 else { return 1 }
        let count = (dt / timeScale / trainingStep * (1 - 1e-9)).rounded(.up)
        guard count <= Double(SDECheckpoint.maximumSubsteps) else {
            throw SubstepError(description: "a rollout step of \(dt) would take \(count) Euler–Maruyama substeps of the training δt; at most \(SDECheckpoint.maximumSubsteps)")
        }
        return max(1, Int(count))
    }

    /// The most Euler–Maruyama substeps one rollout step may take.
    public static let maximumSubsteps = 1_000_000

    /// A rollout step the model cannot take: not a positive time, or far longer than its training δt.
    public struct SubstepError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes the model and its description to `url` atomically.
    public func save(to url: URL) throws {
        var metadata = [
            "dimension": String(model.dimension), "mode": model.mode.rawValue,
            "hidden": hidden.map(String.init).joined(separator: ","), "lambda": String(lambda),
            "epsilon": String(epsilon), "timeScale": String(timeScale), "activation": SDECheckpoint.activation,
        ]
        if let trainingStep { metadata["trainingStep"] = String(trainingStep) }
        if let clock { metadata["clock"] = clock }
        if let startRange {
            metadata["startLower"] = startRange.lower.map { String($0) }.joined(separator: ",")
            metadata["startUpper"] = startRange.upper.map { String($0) }.joined(separator: ",")
        }
        if let controls = model.controls {
            metadata["controls"] = controls.names.joined(separator: ",")
            metadata["controlMean"] = controls.mean.map { String($0) }.joined(separator: ",")
            metadata["controlScale"] = controls.scale.map { String($0) }.joined(separator: ",")
        }
        try Checkpoint.save(state: model.state, metadata: metadata, to: url)
    }

    /// The activation between the networks' linear layers (`SDEModel`'s MLPs), recorded so that
    /// readers outside Swift (scripts/python/macroscale_sde.py) need not assume it.
    public static let activation = "relu"

    /// Rebuilds the model described in `url` and loads its weights.
    public static func load(from url: URL) throws -> SDECheckpoint {
        let (_, metadata) = try SafeTensors.read(url)
        func value(_ key: String) throws -> String {
            guard let text = metadata[key] else { throw ArtifactError(url.path, "not an SDE checkpoint: no '\(key)' in its metadata") }
            return text
        }
        if let activation = metadata["activation"], activation != SDECheckpoint.activation {
            throw ArtifactError(url.path, "an SDE with activation '\(activation)'; this build's networks use '\(SDECheckpoint.activation)'")
        }
        guard let dimension = Int(try value("dimension")), let mode = DiffusionMode(rawValue: try value("mode")),
              let lambda = Double(try value("lambda")), let epsilon = Double(try value("epsilon")),
              let timeScale = Double(try value("timeScale")) else {
            throw ArtifactError(url.path, "malformed SDE checkpoint metadata: \(metadata)")
        }
        let hidden = try value("hidden").split(separator: ",").compactMap { Int($0) }
        var startRange: LatentRange?
        if let lower = metadata["startLower"], let upper = metadata["startUpper"] {
            let bounds = [lower, upper].map { $0.split(separator: ",").compactMap { Double($0) } }
            guard bounds.allSatisfy({ $0.count == dimension }) else { throw ArtifactError(url.path, "malformed start range: \(lower); \(upper)") }
            startRange = LatentRange(lower: bounds[0], upper: bounds[1])
        }
        let trainingStep = try metadata["trainingStep"].map { text -> Double in
            guard let step = Double(text), step > 0, step.isFinite else { throw ArtifactError(url.path, "malformed training step: \(text)") }
            return step
        }
        let controls = try metadata["controls"].map { names in try SDECheckpoint.controls(names, metadata, in: url) }
        // The weights are overwritten by the load; the seed only shapes the throw-away initial values.
        let model = SDEModel(dimension: dimension, controls: controls, mode: mode, hidden: hidden, random: RandomStream(seed: 0, stage: "load"))
        try Checkpoint.load(state: model.state, from: url)
        return SDECheckpoint(model: model, hidden: hidden, lambda: lambda, epsilon: epsilon, timeScale: timeScale, startRange: startRange,
                             trainingStep: trainingStep, clock: metadata["clock"])
    }

    /// The control parameters named by the comma-separated `names`, with the normalisation in `metadata`.
    private static func controls(_ names: String, _ metadata: [String: String], in url: URL) throws -> ControlParameters {
        let list = names.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let numbers = ["controlMean", "controlScale"].map { key in
            (metadata[key] ?? "").split(separator: ",", omittingEmptySubsequences: false).compactMap { Double($0) }
        }
        guard !list.contains(where: \.isEmpty), numbers.allSatisfy({ $0.count == list.count && $0.allSatisfy(\.isFinite) }),
              numbers[1].allSatisfy({ $0 > 0 }) else {
            throw ArtifactError(url.path, "malformed control parameters: names '\(names)', mean '\(metadata["controlMean"] ?? "")', "
                                + "scale '\(metadata["controlScale"] ?? "")' (one finite mean and positive scale per name)")
        }
        return ControlParameters(names: list, mean: numbers[0], scale: numbers[1])
    }
}
