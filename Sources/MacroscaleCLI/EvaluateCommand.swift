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

    @OptionGroup var judged: ModelTestOptions
    @Option(help: "Kernel bandwidths, comma-separated.")
    var bandwidths = "0.25,0.5,1,2,4,8"
    @OptionGroup var stage: StageOptions

    /// The settings the options describe.
    var settings: EvaluateStage.Settings { get throws {
        var settings = EvaluateStage.Settings()
        settings.bandwidths = try parsedList(bandwidths, option: "--bandwidths", as: Double.self)
        return settings
    } }

    func validate() throws {
        try settings.validateOption()
    }

    func run() throws {
        stage.apply()
        let summary = try EvaluateStage.run(try settings, inputs: try judged.open(), seed: stage.seed, directory: stage.directory)
        func text(_ value: Double?) -> String { value.map { String(format: "%.4g", $0) } ?? "–" }
        print(String(format: "evaluate: %d conditions; average MMD² V %.4g (floor %@), U %.4g (floor %@); relative error of means %.4g (floor %@); transient error %@ (floor %@) → %@",
                     summary.conditions.count, summary.averageMMDV, text(summary.averageNoiseFloorMMDV), summary.averageMMDU, text(summary.averageNoiseFloorMMDU),
                     summary.relativeError, text(summary.noiseFloorRelativeError), text(summary.transientError), text(summary.noiseFloorTransientError), stage.out))
    }
}
