import Foundation

/// A self-contained HTML page (inline CSS and SVG, no network) of headings, tables (whose cells may
/// link to files beside the page) and plots; plots of one kind sit side by side in a grid (small multiples).
public struct HTMLReport {
    public var title: String
    /// What the page is about, under the title (system, model, λ, K, n_s, seed).
    public var subtitle: String?
    private var sections: [String] = []

    public init(title: String, subtitle: String? = nil) {
        self.title = title
        self.subtitle = subtitle
    }

    /// A section heading.
    public mutating func heading(_ text: String) {
        sections.append("<h2>\(LinePlot.escape(text))</h2>")
    }

    /// A paragraph of text.
    public mutating func paragraph(_ text: String) {
        sections.append("<p>\(LinePlot.escape(text))</p>")
    }

    /// A table cell: text (a command line: `code`), and links (to files beside the page) after it.
    public struct Cell {
        public var text: String
        /// Whether the text is code, set in a fixed-width font, left-aligned.
        public var code: Bool
        /// (text, relative address) of each link.
        public var links: [(text: String, address: String)]

        public init(_ text: String, code: Bool = false, links: [(text: String, address: String)] = []) {
            self.text = text
            self.code = code
            self.links = links
        }

        /// The cell as HTML: escaped text, then the links separated by spaces.
        var html: String {
            ([text].filter { !$0.isEmpty }.map { code ? "<code>\(LinePlot.escape($0))</code>" : LinePlot.escape($0) }
                + links.map { "<a href=\"\(LinePlot.escape($0.address))\">\(LinePlot.escape($0.text))</a>" }).joined(separator: " ")
        }
    }

    /// A table; cells are escaped.
    public mutating func table(header: [String], rows: [[String]]) {
        table(header: header, cells: rows.map { $0.map { Cell($0) } })
    }

    /// A table whose cells may hold links.
    public mutating func table(header: [String], cells rows: [[Cell]]) {
        let head = "<tr>" + header.map { "<th>\(LinePlot.escape($0))</th>" }.joined() + "</tr>"
        let body = rows.map { "<tr>" + $0.map { "<td>\($0.html)</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        sections.append("<table>\n\(head)\n\(body)\n</table>")
    }

    /// A plot, inline.
    public mutating func plot(_ plot: LinePlot) {
        sections.append("<figure>\n\(plot.svg)</figure>")
    }

    /// Plots side by side, wrapping into rows as the window allows.
    public mutating func grid(_ plots: [LinePlot]) {
        sections.append("<div class=\"grid\">\n" + plots.map { "<figure>\n\($0.svg)</figure>" }.joined(separator: "\n") + "\n</div>")
    }

    /// The whole page.
    public var html: String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(LinePlot.escape(title))</title>
        <style>
        body { font-family: sans-serif; margin: 2em; color: #222; }
        p.subtitle { font-size: 1.1em; color: #444; }
        table { border-collapse: collapse; margin: 1em 0; }
        th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        td code { display: block; text-align: left; font-size: 0.85em; }
        td a { white-space: nowrap; }
        figure { display: inline-block; margin: 0.5em; }
        .grid { display: flex; flex-wrap: wrap; }
        .grid figure { margin: 0.25em; }
        </style>
        </head>
        <body>
        <h1>\(LinePlot.escape(title))</h1>
        \(subtitle.map { "<p class=\"subtitle\">\(LinePlot.escape($0))</p>" } ?? "")
        \(sections.joined(separator: "\n"))
        </body>
        </html>

        """
    }
}
