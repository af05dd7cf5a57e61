import ArgumentParser
import Artifacts
import Foundation
import Stages

/// `macroscale compare`: which setting is better?
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare evaluated runs: average MMD² (V, U), relative and transient errors beside their noise floors, best marked.",
        discussion: """
            Each argument is an evaluate stage directory or its metrics.json. With --group-suffix, runs whose \
            labels agree once a last -<number> is removed (evaluate-16-10, evaluate-16-11 → evaluate-16: the \
            seeds of a matrix) form one row: mean ± sample standard deviation of every metric and the number of runs. \
            --format csv and --json are for scripts: snake_case column names, the best run in its own column, \
            full precision. --html plots the metrics against a parameter read from each run's manifests (λ, n_s, K, \
            or --parameter), naive and K = 1 runs as horizontal reference lines (Docs/STAGES.md, compare).
            """)

    @Argument(help: "Evaluate directories or metrics.json files.")
    var runs: [String]
    @Option(help: "Row labels, comma-separated (default: the runs' directory names).")
    var labels: String?
    @Option(help: "Sort by mmd-v, mmd-u, relative-error, transient-error or name.")
    var sort = Comparison.Column.mmdV
    @Option(help: "Output format: text, markdown or csv.")
    var format = Comparison.Format.text
    @Flag(help: "Print the comparison as one JSON document instead of the table.")
    var json = false
    @Option(help: "Also write an HTML page with the table and plots of the metrics against a parameter read from the runs' manifests.")
    var html: String?
    @Option(help: ArgumentHelp("The parameter the HTML page plots against (default: whichever of lambda, n_s, K the runs vary).",
                               discussion: "lambda, K, n_s, seed, a control or initial parameter all conditions share (T), or a number in the train-sde or test stages' settings (epochs, sde.hidden)."))
    var parameter: String?
    @Flag(help: "One row per label without its last -<number> (the seed): mean ± std over those runs.")
    var groupSuffix = false

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("give at least one evaluated run") }
        if json && format != .text { throw ValidationError("--json prints JSON; leave out --format \(format.rawValue)") }
        if parameter != nil && html == nil { throw ValidationError("--parameter names the HTML page's axis; give --html too") }
        if let labels, labels.split(separator: ",", omittingEmptySubsequences: false).count != runs.count {
            throw ValidationError("--labels needs one label per run (\(runs.count))")
        }
    }

    func run() throws {
        let comparison = try Comparison(paths: runs.map { URL(fileURLWithPath: $0) },
                                        labels: labels.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) },
                                        groupSuffix: groupSuffix)
        let page = try html.map { _ in try comparison.html(sortedBy: sort, parameter: parameter) }
        if json {
            try JSONOutput.print(ComparisonDocument(comparison, sortedBy: sort))
        } else {
            print(comparison.render(sortedBy: sort, format: format), terminator: "")
        }
        if let html, let page {
            try AtomicFile.write(Data(page.utf8), to: URL(fileURLWithPath: html))
        }
    }
}

extension Comparison.Column: ExpressibleByArgument {}
extension Comparison.Format: ExpressibleByArgument {}
