import Artifacts
import Execution
import Foundation
import Learning
import MacroSDE

/// The rollout stage: Euler–Maruyama trajectories of a trained SDE from given initial latents.
///
/// Rolls out `steps` steps of physical length `dt` (each in as many Euler–Maruyama substeps as
/// keep them no longer than the training pairs' δt) from every row of the initial latents
/// ([T, n_z]), and writes `rollouts.npz` (`trajectories` [T, steps + 1, n_z], `times`
/// [steps + 1]) with the count of non-finite trajectories in the manifest.
public enum RolloutStage: Stage {
    public static let name = "rollout"

    /// How many steps, of what physical length.
    public struct Settings: StageSettings {
        public var steps: Int
        public var dt: Double

        public init(steps: Int, dt: Double) {
            self.steps = steps
            self.dt = dt
        }

        public func validate() throws {
            try SettingsError.require((1...100_000_000).contains(steps), "the steps must be between 1 and 10⁸; got \(steps)")
            try SettingsError.require(dt > 0 && dt.isFinite, "the step length dt must be positive and finite; got \(dt)")
        }
    }

    /// The model and the initial latents, with the file they came from.
    public struct Inputs {
        public let model: ModelSource
        public let initial: Tensor
        public let initialInput: StageManifest.Input

        /// Opens the train-sde stage `model`; `initial` is read from `initialFile`.
        public init(model: URL, initial: NumPyArray, initialFile: URL) throws {
            self.model = try ModelSource(directory: model)
            let values = initial.doubleValues()
            guard initial.shape.count == 2, values.allSatisfy({ $0.isFinite && abs($0) < Double(Float.greatestFiniteMagnitude) }) else {
                throw ArtifactError(initialFile.path, "initial latents must be a [T, n_z] array of finite numbers; got shape \(NumPyArray.describe(initial.shape))")
            }
            self.initial = Tensor(shape: initial.shape, data: values.map(Float.init))
            initialInput = .init(path: initialFile.path, sha256: try SHA256.hex(fileAt: initialFile))
        }
    }

    /// Throws unless the initial latents have the model's dimension.
    public static func validate(_ settings: Settings, inputs: Inputs) throws {
        let dimension = inputs.model.checkpoint.model.dimension
        guard inputs.initial.itemCount == dimension, inputs.initial.batch >= 1 else {
            throw ArtifactError(inputs.initialInput.path, "initial latents have shape \(inputs.initial.shape), the model needs [T, \(dimension)]")
        }
        _ = try inputs.model.checkpoint.substeps(over: settings.dt)
    }

    public static func perform(_ settings: Settings, inputs: Inputs, seed: UInt64, directory: URL) throws -> (manifest: StageManifest, nonFinite: Int) {
        let (steps, dt, checkpoint) = (settings.steps, settings.dt, inputs.model.checkpoint)
        let stage = try StageRun(stage: name, directory: directory,
                                 config: ["steps": .number(Double(steps)), "dt": .number(dt), "trajectories": .number(Double(inputs.initial.batch))],
                                 seed: seed, checkedInputs: [inputs.model.input, inputs.initialInput], threads: ThreadCount.current)
        let result = Rollout.run(checkpoint.model, initial: inputs.initial, steps: steps, dt: dt / checkpoint.timeScale,
                                 substeps: try checkpoint.substeps(over: dt), seed: seed)
        stage.recordResult("nonFiniteTrajectories", .number(Double(result.nonFinite)))
        try stage.write(NPZArchive([
            ("trajectories", try NumPyArray(result.trajectories.data, shape: result.trajectories.shape)),
            ("times", NumPyArray((0...steps).map { Double($0) * dt })),
        ]), as: "rollouts.npz")
        return (try stage.finish(), result.nonFinite)
    }
}
