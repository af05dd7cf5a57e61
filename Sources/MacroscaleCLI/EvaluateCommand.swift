import ArgumentParser
import Artifacts
import Foundation
import Metrics
import Stages

/// `macroscale evaluate`: rollouts against true large-system trajectories.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a trained SDE against true large-system test trajectories (Docs/METHOD.md §5).",
        discussion: """
            Each --test is a simulate stage of the large system; runs with equal initial parameters form a \
            test condition. Writes metrics.json, metrics.csv and per-time curves (mmd_v, mmd_u, mean/std \
            predicted and true, times) as .npy, and prints the averages beside their noise floor (the same \
            metrics between the even- and odd-indexed true trajectories). Warns on standard error about test \
            conditions whose initial latents lie outside the training pairs' range.
            """)

    @Option(help: "A train-sde stage directory.")
    var model: String
    @Option(help: "Simulate stages with the true test trajectories (repeatable).")
    var test: [String]
    @Option(help: "The train-closure stage the latents were encoded with (omit for observable latents).")
    var closure: String?
    @Option(help: "Kernel bandwidths, comma-separated.")
    var bandwidths = "0.25,0.5,1,2,4,8"
    @OptionGroup var stage: StageOptions

    func validate() throws {
        guard !test.isEmpty else { throw ValidationError("give at least one --test simulate stage") }
        guard let values = Optional(bandwidths.split(separator: ",").compactMap { Double($0) }), !values.isEmpty, values.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--bandwidths must be positive numbers separated by commas")
        }
    }

    func run() throws {
        stage.apply()
        let summary = try EvaluateStage.run(model: URL(fileURLWithPath: model), tests: test.map { URL(fileURLWithPath: $0) },
                                            closure: closure.map { URL(fileURLWithPath: $0) },
                                            bandwidths: bandwidths.split(separator: ",").compactMap { Double($0) },
                                            seed: stage.seed, directory: stage.directory)
        func text(_ value: Double?) -> String { value.map { String(format: "%.4g", $0) } ?? "–" }
        print(String(format: "evaluate: %d conditions; average MMD² V %.4g (floor %@), U %.4g (floor %@); relative error of means %.4g (floor %@); transient error %@ (floor %@) → %@",
                     summary.conditions.count, summary.averageMMDV, text(summary.averageNoiseFloorMMDV), summary.averageMMDU, text(summary.averageNoiseFloorMMDU),
                     summary.relativeError, text(summary.noiseFloorRelativeError), text(summary.transientError), text(summary.noiseFloorTransientError), stage.out))
    }
}
