import Artifacts
import Foundation
import Reports

/// A table comparing evaluated runs: average MMD² (V and U), relative error of means, and the
/// relative error per latent component, one row per run, sorted by one column, the best row marked.
public struct Comparison {
    public enum Column: String, CaseIterable, Sendable {
        case mmdV = "mmd-v", mmdU = "mmd-u", relativeError = "relative-error", name
    }

    public enum Format: String, CaseIterable, Sendable {
        case text, markdown, csv
    }

    public struct Row {
        public var label: String
        public var mmdV: Double
        public var mmdU: Double
        public var relativeError: Double
        /// Mean over conditions of each component's relative error.
        public var components: [Double]
    }

    public var latent: [String]
    public var rows: [Row]

    /// Reads `metrics.json` from each path (an evaluate directory or the file itself); labels
    /// default to the run's directory name (the parent of an `evaluate` directory).
    public init(paths: [URL], labels: [String]? = nil) throws {
        precondition(labels == nil || labels!.count == paths.count, "one label per run")
        var latent: [String]?
        rows = []
        for (index, path) in paths.enumerated() {
            let file = path.pathExtension == "json" ? path : path.appendingPathComponent("metrics.json")
            let summary: EvaluateStage.Summary
            do {
                summary = try JSONDecoder().decode(EvaluateStage.Summary.self, from: try Data(contentsOf: file))
            } catch {
                throw ArtifactError(file.path, "not readable as evaluation metrics: \(error)")
            }
            if let latent, latent != summary.latent {
                throw ArtifactError(file.path, "latent \(summary.latent) differs from the first run's \(latent)")
            }
            latent = summary.latent
            let directory = file.deletingLastPathComponent()
            let label = labels?[index]
                ?? (directory.lastPathComponent == "evaluate" ? directory.deletingLastPathComponent().lastPathComponent : directory.lastPathComponent)
            let components = summary.latent.indices.map { k in
                summary.conditions.map { $0.relativeErrorPerComponent[k] }.reduce(0, +) / Double(max(summary.conditions.count, 1))
            }
            rows.append(Row(label: label, mmdV: summary.averageMMDV, mmdU: summary.averageMMDU,
                            relativeError: summary.relativeError, components: components))
        }
        self.latent = latent ?? []
    }

    /// The rows ordered by `column` (ascending: lower is better for every metric; labels with
    /// numbers compared by value, so an n_s or λ sweep comes out in order).
    public func sorted(by column: Column) -> [Row] {
        rows.sorted { a, b in
            switch column {
            case .mmdV: return a.mmdV < b.mmdV
            case .mmdU: return a.mmdU < b.mmdU
            case .relativeError: return a.relativeError < b.relativeError
            case .name: return a.label.compare(b.label, options: .numeric) == .orderedAscending  // 8 before 16
            }
        }
    }

    /// The table as text, Markdown or CSV; the best row by `column` (the first after sorting by a
    /// metric) is marked with `*`.
    public func render(sortedBy column: Column, format: Format) -> String {
        let ordered = sorted(by: column)
        let best = column == .name ? nil : ordered.first?.label
        let header = ["run", "MMD² V", "MMD² U", "rel. error"] + latent.map { "rel. error \($0)" }
        func number(_ value: Double) -> String { String(format: "%.4g", value) }
        let body = ordered.map { row in
            [(row.label == best ? "*" : "") + row.label, number(row.mmdV), number(row.mmdU), number(row.relativeError)]
                + row.components.map(number)
        }
        switch format {
        case .csv:
            return ([header] + body).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
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

    /// An HTML page with the table and the metrics plotted against the runs — against their
    /// labels' values when every label is a number (λ, n_s), else against their order.
    public func html(sortedBy column: Column) -> String {
        var page = HTMLReport(title: "Comparison")
        let ordered = sorted(by: column)
        let best = column == .name ? nil : ordered.first?.label
        page.table(header: ["run", "MMD² V", "MMD² U", "relative error"] + latent.map { "relative error \($0)" },
                   rows: ordered.map { row in
                       [(row.label == best ? "* " : "") + row.label] + ([row.mmdV, row.mmdU, row.relativeError] + row.components).map { String(format: "%.4g", $0) }
                   })
        let numeric = rows.compactMap { Double($0.label.drop { !$0.isNumber && $0 != "-" && $0 != "." }) }
        let byValue = numeric.count == rows.count
        let order = byValue ? rows.indices.sorted { numeric[$0] < numeric[$1] } : Array(rows.indices)
        let x = order.map { byValue ? numeric[$0] : Double($0) }
        let axis = byValue ? "run parameter" : "run (in the order given)"
        page.plot(LinePlot(title: "Average MMD²", xLabel: axis, yLabel: "MMD²", series: [
            LinePlot.Series(name: "V-statistic", x: x, y: order.map { rows[$0].mmdV }),
            LinePlot.Series(name: "U-statistic", x: x, y: order.map { rows[$0].mmdU }, dashed: true),
        ]))
        page.plot(LinePlot(title: "Relative error of ensemble means", xLabel: axis, yLabel: "relative error", series: [
            LinePlot.Series(name: "relative error", x: x, y: order.map { rows[$0].relativeError }),
        ]))
        return page.html
    }
}
