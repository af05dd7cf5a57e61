import ArgumentParser
import Foundation
import Stages

/// `macroscale rollout`: Euler–Maruyama trajectories of a trained SDE.
struct RolloutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Roll a trained SDE out from initial latents with Euler–Maruyama.",
        discussion: "Writes rollouts.npz (trajectories [T, steps + 1, n_z], times) and counts trajectories that turned non-finite.")

    @Option(help: "A train-sde stage directory.")
    var model: String
    @Option(help: "Initial latents: a .npy of shape [T, n_z], or FILE.npz:ARRAY; a suffix [:N] takes the first N rows.")
    var initial: String
    @Option(help: "Steps.")
    var steps = 100
    @Option(help: "Step length in physical time.")
    var dt: Double
    @OptionGroup var stage: StageOptions

    var settings: RolloutStage.Settings { .init(steps: steps, dt: dt) }

    func validate() throws {
        try settings.validateOption()
    }

    func run() throws {
        stage.apply()
        let (url, array) = try loadArray(initial)
        let inputs = try RolloutStage.Inputs(model: URL(fileURLWithPath: model), initial: array, initialFile: url)
        let (_, nonFinite) = try RolloutStage.run(settings, inputs: inputs, seed: stage.seed, directory: stage.directory)
        print("rollout: \(inputs.initial.batch) trajectories × \(steps) steps → \(stage.out)" + (nonFinite > 0 ? "; \(nonFinite) became non-finite" : ""))
    }
}
