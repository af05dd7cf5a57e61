import Artifacts
import Foundation
import Pipeline
import Reports
import Stages

/// `index.html` at the root of a pipeline run: one page that links every stage's report and
/// outputs, with a table of the stages — command, status, wall time, peak memory — and the key
/// metrics of each evaluate stage (MMD² V and the relative error of ensemble means, each beside
/// its noise floor, λ and K of the model, and a reference model's numbers where it had one).
///
/// Every address is relative to the root, so the page opens from disk and survives a moved run
/// directory; a file is linked only if it exists.
struct RunIndexPage {
    var summary: RunSummary
    /// Each stage's command line as its run record keeps it (`$root` for the run directory).
    var commands: [String: [String]]

    /// The page for the run `summary` describes, with the commands of `plan`'s steps.
    init(_ summary: RunSummary, plan: PipelinePlan) {
        self.summary = summary
        commands = Dictionary(plan.steps.map { ($0.name, $0.recordedArguments) }, uniquingKeysWith: { first, _ in first })
    }

    /// The page's file name at the run root.
    static let fileName = "index.html"

    /// The column headings of the stage table.
    static let header = ["stage", "command", "status", "wall time (s)", "peak memory (MB)", "MMD² V", "floor V", "relative error", "floor",
                         "λ", "K", "reference model", "report and outputs"]

    var html: String {
        let number = { (value: Double?) in SignificantDigits.text(value) }
        let root = URL(fileURLWithPath: summary.root)
        let evaluated = summary.stages.filter { $0.metrics != nil }.count
        var page = HTMLReport(title: "Pipeline \(summary.pipeline), profile \(summary.profile)",
                              subtitle: "\(summary.stages.count) stages, \(summary.stages.filter { $0.status == "ran" }.count) ran in this run, "
                                  + "\(evaluated) evaluate stages; wall time of this run \(number(summary.seconds)) s. "
                                  + "Every link is relative to this page.")
        page.paragraph("MMD² V and the relative error of ensemble means are averages over each evaluate stage's test conditions, beside their noise floors "
                       + "(the same metrics between two halves of the truth: numbers near the floor are as good as the test set can tell); "
                       + "λ and K are the judged model's. Docs/REPORTS.md says what each report shows.")
        page.table(header: RunIndexPage.header, cells: summary.stages.map { stage in
            let directory = URL(fileURLWithPath: stage.directory)
            let manifest = try? StageManifest.read(from: directory)
            let metrics = stage.metrics
            let reference = metrics?.reference.map { reference in
                "\(URL(fileURLWithPath: reference.model.stage).lastPathComponent): MMD² V \(number(reference.averageMMDV)), relative error \(number(reference.relativeError))"
            }
            // A stage without a manifest (one that failed) is named without a link, its status with the message.
            let manifestLink = RunIndexPage.links([(stage.name, "manifest.json")], in: directory, under: root)
            return [
                HTMLReport.Cell(manifestLink.isEmpty ? stage.name : "", links: manifestLink),
                HTMLReport.Cell("macroscale " + (commands[stage.name] ?? []).map(RunIndexPage.relative).joined(separator: " "), code: true),
                HTMLReport.Cell(stage.status == "failed" ? "failed: \(stage.reason ?? "")" : stage.status), HTMLReport.Cell(number(stage.seconds)),
                HTMLReport.Cell(number(manifest?.peakResidentBytes.map { Double($0) / 1e6 })),
                HTMLReport.Cell(number(metrics?.averageMMDV)), HTMLReport.Cell(number(metrics?.averageNoiseFloorMMDV)),
                HTMLReport.Cell(number(metrics?.relativeError)), HTMLReport.Cell(number(metrics?.noiseFloorRelativeError)),
                HTMLReport.Cell(number(metrics?.model?.lambda)), HTMLReport.Cell(metrics?.model?.patches.map(String.init) ?? "–"),
                HTMLReport.Cell(reference ?? "–"),
                HTMLReport.Cell("", links: RunIndexPage.links([("report", "report/index.html")] + (manifest?.outputs ?? []).map { ($0.path, $0.path) },
                                                              in: directory, under: root)),
            ]
        })
        return page.html
    }

    /// The links among `files` (text, path in the stage `directory`) whose file exists, addressed
    /// relative to the run `root` (the stage's own directory name first where it is not under it).
    static func links(_ files: [(text: String, path: String)], in directory: URL, under root: URL) -> [(text: String, address: String)] {
        let prefix = root.standardizedFileURL.path + "/", stage = directory.standardizedFileURL.path
        let base = stage.hasPrefix(prefix) ? String(stage.dropFirst(prefix.count)) : stage
        var seen = Set<String>()
        return files.filter { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0.path).path) && seen.insert($0.path).inserted }
            .map { ($0.text, base + "/" + $0.path) }
    }

    /// An argument of a recorded command line with the run directory written as the page sees it
    /// (`$root/simulate` → `simulate`).
    static func relative(_ argument: String) -> String {
        argument == "$root" ? "." : argument.replacingOccurrences(of: "$root/", with: "")
    }

    /// Writes the page to `index.html` at the run root, atomically.
    func write() throws {
        try AtomicFile.write(Data(html.utf8), to: URL(fileURLWithPath: summary.root).appendingPathComponent(RunIndexPage.fileName))
    }
}
