import ArgumentParser
import Artifacts
import Foundation
import Metrics
import Reports
import Stages

/// `macroscale evaluate`: rollouts against true large-system trajectories.
struct Evaluate: CollectiveCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a trained SDE against true large-system test trajectories (Docs/METHOD.md §5).",
        discussion: """
            Each --test is a simulate stage of the large system; runs with equal initial parameters form a \
            test condition. Writes metrics.json, metrics.csv, metrics_average.csv and per-time curves (mmd_v, mmd_u, mean/std \
            predicted and true, times) as .npy, samples.npz (every compared trajectory) and report/index.html \
            (what the model is and how it did, in figures: Docs/REPORTS.md), and prints the averages beside their \
            noise floor (the same metrics between the even- and odd-indexed true trajectories). Warns on standard error about test \
            conditions whose initial latents lie outside the training pairs' range. --reference-model rolls out \
            a second train-sde stage (typically the naive one) on the same conditions with the same noise: its \
            metrics go beside the model's (metrics.json's reference) and its mean into the report as a dashed line. \
            With --json, prints metrics.json's document instead of the summary line (Docs/ARTIFACTS.md).
            """)

    @OptionGroup var judged: ModelTestOptions
    @Option(help: "A second train-sde stage (typically the naive model) rolled out on the same conditions as a reference; its lineage must match the model's.")
    var referenceModel: String?
    @Option(help: "Kernel bandwidths, comma-separated.")
    var bandwidths = "0.25,0.5,1,2,4,8"
    @Flag(help: "Print metrics.json's document on standard output instead of the summary line.")
    var json = false
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
        let summary = try EvaluateStage.run(try settings, inputs: try judged.open(reference: referenceModel), seed: stage.seed, directory: stage.directory)
        if json { return try JSONOutput.print(summary) }
        let text = { (value: Double?) in SignificantDigits.text(value) }
        print("evaluate: \(summary.conditions.count) conditions; average MMD² V \(text(summary.averageMMDV)) (floor \(text(summary.averageNoiseFloorMMDV))), "
              + "U \(text(summary.averageMMDU)) (floor \(text(summary.averageNoiseFloorMMDU))); relative error of means \(text(summary.relativeError)) "
              + "(floor \(text(summary.noiseFloorRelativeError))); transient error \(text(summary.transientError)) "
              + "(floor \(text(summary.noiseFloorTransientError)))"
              + (summary.reference.map { "; reference \(URL(fileURLWithPath: $0.model.stage).lastPathComponent): MMD² V \(text($0.averageMMDV)), "
                  + "relative error \(text($0.relativeError))" } ?? "") + " → \(stage.out)")
    }
}
