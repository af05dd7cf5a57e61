import Foundation

/// A self-contained HTML page (inline CSS and SVG, no network) of headings, tables and plots.
public struct HTMLReport {
    public var title: String
    private var sections: [String] = []

    public init(title: String) {
        self.title = title
    }

    public mutating func heading(_ text: String) {
        sections.append("<h2>\(LinePlot.escape(text))</h2>")
    }

    public mutating func paragraph(_ text: String) {
        sections.append("<p>\(LinePlot.escape(text))</p>")
    }

    /// A table; cells are escaped.
    public mutating func table(header: [String], rows: [[String]]) {
        let head = "<tr>" + header.map { "<th>\(LinePlot.escape($0))</th>" }.joined() + "</tr>"
        let body = rows.map { "<tr>" + $0.map { "<td>\(LinePlot.escape($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        sections.append("<table>\n\(head)\n\(body)\n</table>")
    }

    /// A plot, inline.
    public mutating func plot(_ plot: LinePlot) {
        sections.append("<figure>\n\(plot.svg)</figure>")
    }

    public var html: String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(LinePlot.escape(title))</title>
        <style>
        body { font-family: sans-serif; margin: 2em; color: #222; max-width: 1400px; }
        table { border-collapse: collapse; margin: 1em 0; }
        th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        figure { display: inline-block; margin: 0.5em; }
        </style>
        </head>
        <body>
        <h1>\(LinePlot.escape(title))</h1>
        \(sections.joined(separator: "\n"))
        </body>
        </html>

        """
    }
}
