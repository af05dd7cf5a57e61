import ArgumentParser
import Foundation
import Stages

/// `macroscale rollout`: Euler–Maruyama trajectories of a trained SDE.
struct RolloutCommand: CollectiveCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Roll a trained SDE out from initial latents with Euler–Maruyama.",
        discussion: """
            Writes rollouts.npz (trajectories [T, steps + 1, n_z], times) and counts trajectories that turned non-finite. \
            The trajectories advance in chunks of 32 over the threads and, under mpirun, the ranks: the same bytes for any number of either.
            """)

    @Option(help: "A train-sde stage directory.")
    var model: String
    @Option(help: "Initial latents: a .npy of shape [T, n_z], or FILE.npz:ARRAY; a suffix [:N] takes the first N rows.")
    var initial: String
    @Option(help: "Steps.")
    var steps = 100
    @Option(help: "Step length in the model's time: physical, or sweeps for a model whose pairs were encoded with --clock sweeps.")
    var dt: Double
    @Option(help: "NAME=VALUE: a control parameter of a conditioned model (repeatable; every one the model has, e.g. temperature=1200).")
    var control: [String] = []
    @OptionGroup var stage: StageOptions

    /// The settings the options describe.
    var settings: RolloutStage.Settings { get throws {
        var values: [String: Double] = [:]
        for text in control {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = Double(parts[1].trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--control must be NAME=VALUE with a number VALUE, e.g. temperature=1200; got '\(text)'")
            }
            guard values.updateValue(value, forKey: parts[0]) == nil else { throw ValidationError("--control \(parts[0]) is given twice") }
        }
        return .init(steps: steps, dt: dt, controls: values)
    } }

    func validate() throws {
        try settings.validateOption()
    }

    func run() throws {
        stage.apply()
        let (url, array) = try loadArray(initial)
        let inputs = try RolloutStage.Inputs(model: URL(fileURLWithPath: model), initial: array, initialFile: url)
        let (_, nonFinite) = try RolloutStage.run(try settings, inputs: inputs, seed: stage.seed, directory: stage.directory)
        print("rollout: \(inputs.initial.batch) trajectories × \(steps) steps → \(stage.out)" + (nonFinite > 0 ? "; \(nonFinite) became non-finite" : ""))
    }
}
