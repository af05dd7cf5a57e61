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
    @Option(help: "Initial latents: a .npy of shape [T, n_z], or FILE.npz:ARRAY.")
    var initial: String
    @Option(help: "Steps.")
    var steps = 100
    @Option(help: "Step length in physical time.")
    var dt: Double
    @OptionGroup var stage: StageOptions

    func validate() throws {
        guard steps >= 1, dt > 0 else { throw ValidationError("--steps must be at least 1 and --dt positive") }
    }

    func run() throws {
        stage.apply()
        let (url, array) = try loadArray(initial)
        let (_, nonFinite) = try RolloutStage.run(model: URL(fileURLWithPath: model), initial: array, initialSource: url,
                                                  steps: steps, dt: dt, seed: stage.seed, directory: stage.directory)
        print("rollout: \(array.shape.first ?? 0) trajectories × \(steps) steps → \(stage.out)" + (nonFinite > 0 ? "; \(nonFinite) became non-finite" : ""))
    }
}
