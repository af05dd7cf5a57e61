import Artifacts
import Foundation
import Learning
import Random

/// An `SDEModel` with what it takes to use it: its architecture, the λ and ε it was fitted with,
/// and the time scale its time steps are measured in, saved together as one safetensors file.
public struct SDECheckpoint {
    public var model: SDEModel
    public var hidden: [Int]
    public var lambda: Double
    public var epsilon: Double
    /// Physical time per model time unit (pairs' δt were divided by it for training).
    public var timeScale: Double

    public init(model: SDEModel, hidden: [Int], lambda: Double, epsilon: Double, timeScale: Double) {
        self.model = model
        self.hidden = hidden
        self.lambda = lambda
        self.epsilon = epsilon
        self.timeScale = timeScale
    }

    /// Writes the model and its description to `url` atomically.
    public func save(to url: URL) throws {
        try Checkpoint.save(state: model.state, metadata: [
            "dimension": String(model.dimension), "mode": model.mode.rawValue,
            "hidden": hidden.map(String.init).joined(separator: ","), "lambda": String(lambda),
            "epsilon": String(epsilon), "timeScale": String(timeScale),
        ], to: url)
    }

    /// Rebuilds the model described in `url` and loads its weights.
    public static func load(from url: URL) throws -> SDECheckpoint {
        let (_, metadata) = try SafeTensors.read(url)
        func value(_ key: String) throws -> String {
            guard let text = metadata[key] else { throw ArtifactError(url.path, "not an SDE checkpoint: no '\(key)' in its metadata") }
            return text
        }
        guard let dimension = Int(try value("dimension")), let mode = DiffusionMode(rawValue: try value("mode")),
              let lambda = Double(try value("lambda")), let epsilon = Double(try value("epsilon")),
              let timeScale = Double(try value("timeScale")) else {
            throw ArtifactError(url.path, "malformed SDE checkpoint metadata: \(metadata)")
        }
        let hidden = try value("hidden").split(separator: ",").compactMap { Int($0) }
        // The weights are overwritten by the load; the seed only shapes the throw-away initial values.
        let model = SDEModel(dimension: dimension, mode: mode, hidden: hidden, random: RandomStream(seed: 0, stage: "load"))
        try Checkpoint.load(state: model.state, from: url)
        return SDECheckpoint(model: model, hidden: hidden, lambda: lambda, epsilon: epsilon, timeScale: timeScale)
    }
}
