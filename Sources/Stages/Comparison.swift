import Artifacts
import Foundation
import Reports

/// A table comparing evaluated runs: average MMD² (V and U), relative error of means, transient
/// error, each beside its noise floor, and the relative error per latent component; one row per
/// run — or, grouped, per set of runs that differ only in a trailing `-<number>` of their label
/// (the seed), with mean ± sample standard deviation — sorted by one column, the best row marked.
public struct Comparison {
    public enum Column: String, CaseIterable, Sendable {
        case mmdV = "mmd-v", mmdU = "mmd-u", relativeError = "relative-error", transientError = "transient-error", name
    }

    public enum Format: String, CaseIterable, Sendable {
        case text, markdown, csv
    }

    public struct Row {
        public var label: String
        /// The number of runs in the row (1 unless grouped).
        public var runs: Int
        /// The metrics in the order of `metricNames` (means over the row's runs); nil where a run lacks one.
        public var values: [Double?]
        /// The sample standard deviations (n − 1) over the row's runs; nil for a single run.
        public var deviations: [Double?]
        /// The row's runs, as indices into `Comparison.runs`.
        public var members: [Int]
    }

    public var latent: [String]
    public var rows: [Row]
    /// Every run read, in the order given.
    public var runs: [EvaluatedRun]
    /// Whether rows were grouped by label suffix (and show mean ± std and the run count).
    public var grouped: Bool

    /// The metric columns' headings for people: the summary's averages with their noise floors, then each component's relative error.
    public var metricNames: [String] {
        ["MMD² V", "floor V", "MMD² U", "floor U", "rel. error", "floor rel.", "transient", "floor trans."] + latent.map { "rel. error \($0)" }
    }

    /// The same columns' names for scripts (CSV headers, JSON keys): snake_case, as in evaluate's
    /// `metrics_average.csv` and `metrics.csv`.
    public var metricKeys: [String] {
        ["average_mmd_v", "noise_floor_mmd_v", "average_mmd_u", "noise_floor_mmd_u", "relative_error", "noise_floor_relative_error",
         "transient_error", "noise_floor_transient_error"] + latent.map { "relative_error_\($0)" }
    }

    /// Reads `metrics.json` from each path (an evaluate directory or the file itself) and what its
    /// manifests say (`EvaluatedRun`); labels default to the run's directory name (the parent of
    /// an `evaluate` directory). With
    /// `groupSuffix`, runs whose labels agree after removing a last `-<digits>` (`evaluate-16-10`,
    /// `evaluate-16-11` → `evaluate-16`) form one row.
    public init(paths: [URL], labels: [String]? = nil, groupSuffix: Bool = false) throws {
        precondition(labels == nil || labels!.count == paths.count, "one label per run")
        var latent: [String]?
        runs = []
        var rows: [Row] = []
        for (index, path) in paths.enumerated() {
            let file = path.pathExtension == "json" ? path : path.appendingPathComponent("metrics.json")
            let directory = file.deletingLastPathComponent()
            let label = labels?[index]
                ?? (directory.lastPathComponent == "evaluate" ? directory.deletingLastPathComponent().lastPathComponent : directory.lastPathComponent)
            let run = try EvaluatedRun(file: file, label: label)
            let summary = run.summary
            if let latent, latent != summary.latent {
                throw ArtifactError(file.path, "latent \(summary.latent) differs from the first run's \(latent)")
            }
            latent = summary.latent
            let components = summary.latent.indices.map { k in
                summary.conditions.map { $0.relativeErrorPerComponent[k] }.reduce(0, +) / Double(max(summary.conditions.count, 1))
            }
            let values: [Double?] = [summary.averageMMDV, summary.averageNoiseFloorMMDV, summary.averageMMDU, summary.averageNoiseFloorMMDU,
                                     summary.relativeError, summary.noiseFloorRelativeError, summary.transientError, summary.noiseFloorTransientError]
                + components
            runs.append(run)
            rows.append(Row(label: label, runs: 1, values: values, deviations: values.map { _ in nil }, members: [index]))
        }
        self.latent = latent ?? []
        self.grouped = groupSuffix
        self.rows = groupSuffix ? Comparison.grouped(rows) : rows
    }

    /// `label` without a last `-<digits>` (the seed of a matrix copy), else unchanged.
    public static func seedless(_ label: String) -> String {
        guard let dash = label.lastIndex(of: "-"), dash != label.startIndex else { return label }
        let suffix = label[label.index(after: dash)...]
        return !suffix.isEmpty && suffix.allSatisfy(\.isASCII) && suffix.allSatisfy(\.isNumber) ? String(label[..<dash]) : label
    }

    /// One row per seedless label, in order of first appearance: the mean and sample standard
    /// deviation of each metric over the group's runs (nil where any run lacks it).
    static func grouped(_ runs: [Row]) -> [Row] {
        var order: [String] = [], members: [String: [Row]] = [:]
        for run in runs {
            let label = seedless(run.label)
            if members[label] == nil { order.append(label) }
            members[label, default: []].append(run)
        }
        return order.map { label in
            let group = members[label]!, n = Double(group.count)
            let columns = group[0].values.indices.map { k in group.map { $0.values[k] } }
            let means = columns.map { column -> Double? in
                column.contains(nil) ? nil : column.map { $0! }.reduce(0, +) / n
            }
            let deviations = zip(columns, means).map { column, mean -> Double? in
                guard let mean, group.count > 1 else { return nil }
                return (column.map { ($0! - mean) * ($0! - mean) }.reduce(0, +) / (n - 1)).squareRoot()
            }
            return Row(label: label, runs: group.count, values: means, deviations: deviations, members: group.flatMap(\.members))
        }
    }

    /// The rows ordered by `column` (ascending: lower is better for every metric, runs without it
    /// last; labels with numbers compared by value, so an n_s or λ sweep comes out in order).
    public func sorted(by column: Column) -> [Row] {
        let index: Int
        switch column {
        case .mmdV: index = 0
        case .mmdU: index = 2
        case .relativeError: index = 4
        case .transientError: index = 6
        case .name: return rows.sorted { $0.label.compare($1.label, options: .numeric) == .orderedAscending }  // 8 before 16
        }
        return rows.sorted { a, b in (a.values[index] ?? .infinity) < (b.values[index] ?? .infinity) }
    }

    /// The best row's label by `column` (the first after sorting by a metric); nil when sorted by name.
    public func best(by column: Column) -> String? {
        column == .name ? nil : sorted(by: column).first?.label
    }

    /// The table as text, Markdown or CSV. Text and Markdown mark the best row by `column` with
    /// `*` and show four significant digits, grouped rows mean ± std and the run count. CSV has
    /// snake_case headers (`run`, `best`, `runs` when grouped, then `metricKeys`, each followed
    /// by `<key>_std` when grouped), `best` true or false, and numbers at full precision.
    public func render(sortedBy column: Column, format: Format) -> String {
        let ordered = sorted(by: column)
        let best = best(by: column)
        let header = ["run"] + (grouped ? ["runs"] : []) + metricNames
        let body = ordered.map { row in [(row.label == best ? "*" : "") + row.label] + cells(row) }
        switch format {
        case .csv:
            return CSVTable(
                header: ["run", "best"] + (grouped ? ["runs"] : []) + metricKeys.flatMap { grouped ? [$0, "\($0)_std"] : [$0] },
                rows: ordered.map { row in
                    [row.label, String(row.label == best)] + (grouped ? [String(row.runs)] : [])
                        + zip(row.values, row.deviations).flatMap { grouped ? [CSVTable.field($0), CSVTable.field($1)] : [CSVTable.field($0)] }
                }).text
        case .markdown:
            let lines = ["| " + header.joined(separator: " | ") + " |", "|" + header.map { _ in "---|" }.joined()]
                + body.map { "| " + $0.joined(separator: " | ") + " |" }
            return lines.joined(separator: "\n") + "\n"
        case .text:
            let widths = header.indices.map { k in ([header] + body).map { $0[k].count }.max()! }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { k, cell in
                    k == 0 ? cell.padding(toLength: widths[k], withPad: " ", startingAt: 0)
                           : String(repeating: " ", count: widths[k] - cell.count) + cell
                }.joined(separator: "  ")
            }
            var text = ([header] + body).map(line).joined(separator: "\n") + "\n"
            if best != nil { text += "* best by \(column.rawValue)\n" }
            return text
        }
    }

    /// A row's cells after its label: the run count when grouped, then each metric (mean ± std when grouped).
    func cells(_ row: Row) -> [String] {
        (grouped ? [String(row.runs)] : []) + zip(row.values, row.deviations).map { value, deviation in
            SignificantDigits.text(value) + (deviation.map { " ± " + SignificantDigits.text($0) } ?? "")
        }
    }

    /// The parameter a sweep varies, for the x axis when none is named: the first of λ, n_s and K
    /// that every run outside the references records and that differs between them; λ if none does.
    public var sweptParameter: String {
        let sweep = runs.filter { !$0.isReference }
        return ["lambda", "n_s", "K"].first { name in
            let values = sweep.map { try? $0.value(of: name) }
            return !values.contains(nil) && Set(values).count > 1
        } ?? "lambda"
    }

    /// The axis title of a parameter: `λ`, `K (patches)`, `n_s (small-system sites)`, or the name itself.
    static func axisTitle(_ parameter: String) -> String {
        ["lambda": "λ", "λ": "λ", "K": "K (patches)", "patches": "K (patches)", "n_s": "n_s (small-system sites)"][parameter] ?? parameter
    }

    /// An HTML page with the table and the metrics plotted against `parameter` (default:
    /// `sweptParameter`) read from each run's manifests, both ordered by its value; grouped rows as
    /// mean ± std bands. Reference runs (naive pairs, K = 1) are horizontal lines, unless every run
    /// is one. Throws `EvaluatedRun.MissingParameter` naming a run that does not record the parameter,
    /// or a group whose runs disagree on it.
    public func html(sortedBy column: Column, parameter: String? = nil) throws -> String {
        let parameter = parameter ?? sweptParameter
        var page = HTMLReport(title: "Comparison of \(runs.count) evaluated runs against \(Comparison.axisTitle(parameter))",
                              subtitle: runs.map { "\($0.label): " + ($0.model?.text ?? $0.summary.model.map { "λ = \(SignificantDigits.text($0.lambda))" } ?? "model unknown") }
                                  .joined(separator: "; "))
        let everyReference = rows.allSatisfy { $0.members.allSatisfy { runs[$0].isReference } }
        let isReference = { (row: Row) in !everyReference && row.members.allSatisfy { self.runs[$0].isReference } }
        let points = try rows.filter { !isReference($0) }.map { row -> (Double, Row) in
            let values = try row.members.map { try runs[$0].value(of: parameter) }
            guard Set(values).count == 1 else {
                throw EvaluatedRun.MissingParameter(description: "the runs of row '\(row.label)' differ in \(parameter): \(values.map { SignificantDigits.text($0) })")
            }
            return (values[0], row)
        }.sorted { $0.0 < $1.0 }
        let references = rows.filter(isReference)
        let best = best(by: column), axis = Comparison.axisTitle(parameter)
        page.table(header: ["run", axis] + (grouped ? ["runs"] : []) + metricNames,
                   rows: (points.map { ($0.1, SignificantDigits.text($0.0)) } + references.map { ($0, "reference") }).map { row, value in
                       [(row.label == best ? "* " : "") + row.label, value] + cells(row)
                   })
        page.paragraph("Rows in order of \(axis)" + (best.map { "; * marks the best by \(column.rawValue) (\($0))" } ?? "") + ".")
        let x = points.map(\.0)
        func series(_ name: String, _ k: Int, dashed: Bool = false) -> LinePlot.Series {
            let y = points.map { $0.1.values[k] ?? .nan }, spread = points.map { $0.1.deviations[k] ?? 0 }
            return LinePlot.Series(name: name, x: x, y: y, band: grouped ? (zip(y, spread).map { $0 - $1 }, zip(y, spread).map { $0 + $1 }) : nil, dashed: dashed)
        }
        func lines(_ metrics: [(String, Int)]) -> [LinePlot.Reference] {
            references.flatMap { row in metrics.map { LinePlot.Reference(name: "\(row.label), \($0.0)", y: row.values[$0.1] ?? .nan) } }
        }
        page.heading("Metrics against \(axis)" + (references.isEmpty ? "" : "; reference runs (\(references.map(\.label).joined(separator: ", "))) as horizontal lines"))
        page.grid([
            LinePlot(title: "Average MMD²", xLabel: axis, yLabel: "MMD² (standardised latents)", series: [
                series("V-statistic", 0), series("V, noise floor", 1, dashed: true), series("U-statistic", 2), series("U, noise floor", 3, dashed: true),
            ], references: lines([("V", 0), ("U", 2)])),
            LinePlot(title: "Relative errors of ensemble means", xLabel: axis, yLabel: "relative error", series: [
                series("whole horizon", 4), series("whole horizon, noise floor", 5, dashed: true),
                series("transient", 6), series("transient, noise floor", 7, dashed: true),
            ], references: lines([("whole horizon", 4), ("transient", 6)])),
        ])
        return page.html
    }
}
