import Artifacts
import Distributed
import Execution
import Foundation
import Learning
import MacroSDE

/// The rollout stage: Euler–Maruyama trajectories of a trained SDE from given initial latents.
///
/// Rolls out `steps` steps of length `dt` on the model's clock (physical time or sweeps, `Clock`),
/// each in as many Euler–Maruyama substeps as keep them no longer than the training pairs' δt,
/// from every row of the initial latents
/// ([T, n_z]), and writes `rollouts.npz` (`trajectories` [T, steps + 1, n_z], `times`
/// [steps + 1]) with the count of non-finite trajectories in the manifest. A model conditioned on
/// control parameters is rolled out at the values the settings give for every one of them (and
/// only those). Under mpirun the ranks share the trajectories in whole chunks
/// (`Communicator.sharedRollout`) and rank 0 alone writes: the bytes of one process.
public enum RolloutStage: Stage {
    public static let name = "rollout"

    /// How many steps, of what length on the model's clock, at which values of the model's control parameters.
    public struct Settings: StageSettings {
        public var steps: Int
        public var dt: Double
        /// The value of each control parameter by name (empty for a model without controls).
        public var controls: [String: Double]

        public init(steps: Int, dt: Double, controls: [String: Double] = [:]) {
            self.steps = steps
            self.dt = dt
            self.controls = controls
        }

        public func validate() throws {
            try SettingsError.require((1...100_000_000).contains(steps), "the steps must be between 1 and 10⁸; got \(steps)")
            try SettingsError.require(dt > 0 && dt.isFinite, "the step length dt must be positive and finite; got \(dt)")
            try ControlParameterNames.validate(Array(controls.keys))
            for (name, value) in controls {
                try SettingsError.require(value.isFinite, "the control parameter \(name) must be a finite number; got \(value)")
            }
        }

        /// The values of `names`, in their order; throws unless the settings give exactly these.
        func controlValues(_ names: [String]) throws -> [Double] {
            guard Set(controls.keys) == Set(names) else {
                throw SettingsError(names.isEmpty
                    ? "the model has no control parameters; remove --control \(controls.keys.sorted().joined(separator: ", "))"
                    : "the model is conditioned on \(names.joined(separator: ", ")): give --control NAME=VALUE for each and no other; got "
                      + (controls.isEmpty ? "none" : controls.keys.sorted().joined(separator: ", ")))
            }
            return names.map { controls[$0]! }
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

    /// Throws unless the initial latents have the model's dimension and the settings give the model's control parameters.
    public static func validate(_ settings: Settings, inputs: Inputs) throws {
        _ = try settings.controlValues(inputs.model.controlNames)
        let dimension = inputs.model.checkpoint.model.dimension
        guard inputs.initial.itemCount == dimension, inputs.initial.batch >= 1 else {
            throw ArtifactError(inputs.initialInput.path, "initial latents have shape \(inputs.initial.shape), the model needs [T, \(dimension)]")
        }
        _ = try inputs.model.checkpoint.substeps(over: settings.dt)
    }

    public static func perform(_ settings: Settings, inputs: Inputs, seed: UInt64, directory: URL) throws -> (manifest: StageManifest, nonFinite: Int) {
        let (steps, dt, checkpoint) = (settings.steps, settings.dt, inputs.model.checkpoint)
        var config: [String: JSONValue] = ["steps": .number(Double(steps)), "dt": .number(dt), "trajectories": .number(Double(inputs.initial.batch))]
        if !settings.controls.isEmpty { config["controls"] = .object(settings.controls.mapValues { .number($0) }) }
        let world = Communicator.world
        let stage = try world.onRoot {
            try StageRun(stage: name, directory: directory, config: .object(config),
                         seed: seed, checkedInputs: [inputs.model.input, inputs.initialInput], threads: ThreadCount.current, ranks: world.size)
        }
        let controls = try settings.controlValues(inputs.model.controlNames), substeps = try checkpoint.substeps(over: dt)
        let result = try world.sharedRollout(of: inputs.initial.batch) { trajectories in
            Rollout.run(checkpoint.model, initial: inputs.initial, controls: (0..<inputs.initial.batch).flatMap { _ in controls },
                        steps: steps, dt: dt / checkpoint.timeScale, substeps: substeps, seed: seed, trajectories: trajectories)
        }
        let manifest = try world.fromRoot {
            guard let stage else { preconditionFailure("the root writes the rollouts") }
            stage.recordResult("nonFiniteTrajectories", .number(Double(result.nonFinite)))
            try stage.write(NPZArchive([
                ("trajectories", try NumPyArray(result.trajectories.data, shape: result.trajectories.shape)),
                ("times", NumPyArray((0...steps).map { Double($0) * dt })),
            ]), as: "rollouts.npz")
            return try stage.finish()
        }
        return (manifest, result.nonFinite)
    }
}
