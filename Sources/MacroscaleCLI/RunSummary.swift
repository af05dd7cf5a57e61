import Artifacts
import Foundation
import Pipeline
import Reports
import Stages

/// What `macroscale run` reports at its end: each stage's status, time and, for evaluate stages,
/// metrics — as lines for people (four significant digits) or as `run --json`'s document.
struct RunSummary: Encodable {
    /// One stage of the pipeline.
    struct Stage: Encodable {
        /// The stage's name in the pipeline file.
        var name: String
        /// `ran`, `up to date`, or (dry run) `would run`.
        var status: String
        /// Why the stage would run (dry run only).
        var reason: String?
        /// The stage's command line after `macroscale` (dry run only).
        var arguments: [String]?
        /// The stage's recorded wall time in seconds (absent in a dry run).
        var seconds: Double?
        /// The stage's output directory.
        var directory: String
        /// The stage's `metrics.json` (evaluate stages).
        var metrics: EvaluateStage.Summary?
        /// The stage's HTML report (evaluate stages).
        var report: String?
    }

    var pipeline: String
    var profile: String
    /// The output root.
    var root: String
    /// Whether nothing ran (`--dry-run`).
    var dryRun: Bool
    /// The run's wall time in seconds (absent in a dry run).
    var seconds: Double?
    /// The run's index page (`RunIndexPage`; absent in a dry run).
    var index: String?
    var stages: [Stage]

    /// The stage at `directory` as it stands after the run, with `status`, its manifest's wall
    /// time and the metrics and report of an evaluate stage.
    static func finished(_ name: String, status: String, directory: URL) -> Stage {
        let metricsFile = directory.appendingPathComponent("metrics.json")
        let metrics = (try? Data(contentsOf: metricsFile)).flatMap { try? JSONDecoder().decode(EvaluateStage.Summary.self, from: $0) }
        return Stage(name: name, status: status, seconds: (try? StageManifest.read(from: directory).wallSeconds) ?? 0, directory: directory.path,
                     metrics: metrics, report: metrics.map { _ in directory.appendingPathComponent("report/index.html").path })
    }

    /// The lines for people.
    var text: String {
        let width = stages.map(\.name.count).max() ?? 0
        func padded(_ name: String) -> String { name.padding(toLength: width, withPad: " ", startingAt: 0) }
        guard !dryRun else {
            return (["pipeline \(pipeline), profile \(profile) → \(root) (dry run)"] + stages.map { stage in
                "  \(padded(stage.name))  " + (stage.reason.map { "would run: \($0)\n    macroscale \((stage.arguments ?? []).joined(separator: " "))" } ?? "up to date")
            }).joined(separator: "\n")
        }
        var lines = ["pipeline \(pipeline), profile \(profile) → \(root) (\(String(format: "%.1f", seconds ?? 0)) s)"]
        lines += stages.map { "  \(padded($0.name))  \($0.status.padding(toLength: 11, withPad: " ", startingAt: 0)) \(String(format: "%8.2f", $0.seconds ?? 0)) s" }
        lines.append("  index of the run's reports and outputs: \(URL(fileURLWithPath: root).appendingPathComponent(RunIndexPage.fileName).path)")
        for stage in stages {
            guard let metrics = stage.metrics, let report = stage.report else { continue }
            lines.append("  \(stage.name): average MMD² V \(SignificantDigits.text(metrics.averageMMDV)), U \(SignificantDigits.text(metrics.averageMMDU)), "
                         + "relative error \(SignificantDigits.text(metrics.relativeError))")
            lines.append("  report: \(report)")
        }
        return lines.joined(separator: "\n")
    }
}
