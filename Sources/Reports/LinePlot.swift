import Foundation

/// A line plot written directly as SVG: axes with "nice" ticks, labels, a legend beside the axes,
/// optional shaded bands (mean ± std), thin sample lines and horizontal reference lines.
/// Non-finite points break a line rather than distort the axes.
public struct LinePlot {
    public struct Series {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        /// Lower and upper edges of a shaded band around the line.
        public var band: (lower: [Double], upper: [Double])?
        public var dashed = false
        /// A sample path: thin and translucent, left out of the legend, in the colour of series `colour`.
        public var sample = false
        /// The palette index of the series' colour (default: its position among the series).
        public var colour: Int?

        public init(name: String, x: [Double], y: [Double], band: (lower: [Double], upper: [Double])? = nil, dashed: Bool = false,
                    sample: Bool = false, colour: Int? = nil) {
            precondition(x.count == y.count, "series '\(name)': \(x.count) x values for \(y.count) y values")
            self.name = name
            self.x = x
            self.y = y
            self.band = band
            self.dashed = dashed
            self.sample = sample
            self.colour = colour
        }
    }

    /// A horizontal line across the axes at `y` (a reference run, a noise floor), grey, named in the legend.
    public struct Reference {
        /// The legend's text.
        public var name: String
        /// The height of the line, in data units (a non-finite one is not drawn).
        public var y: Double

        public init(name: String, y: Double) {
            self.name = name
            self.y = y
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Horizontal lines drawn over the series.
    public var references: [Reference] = []
    /// The size of the axes' area, without the margins and the legend.
    public var width = 420.0
    public var height = 260.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series], references: [Reference] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.references = references
    }

    /// Twelve colours that stay apart from each other (every pair at least 30 apart in CIELAB, no
    /// greys, which reference lines use); beyond twelve series they repeat with a dash pattern of their own.
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#6a3d9a", "#8c564b",
                          "#ff00ff", "#17becf", "#bcbd22", "#000080", "#fb9a99", "#b2df8a"]
    private static let referenceColours = ["#555555", "#999999", "#222222"]
    private let margin = (left: 70.0, right: 16.0, top: 36.0, bottom: 48.0)

    /// The colour of palette entry `index`, and the dash pattern that tells repeats apart.
    static func style(_ index: Int) -> (colour: String, dash: String?) {
        (palette[index % palette.count], index < palette.count ? nil : ["2 3", "8 3 2 3", "1 1"][(index / palette.count - 1) % 3])
    }

    /// The plot as a standalone SVG document.
    public var svg: String {
        let xs = series.flatMap(\.x).filter(\.isFinite)
        let ys = (series.flatMap { $0.y + ($0.band.map { $0.lower + $0.upper } ?? []) } + references.map(\.y)).filter(\.isFinite)
        let (xTicks, xRange) = LinePlot.ticks(xs.min() ?? 0, xs.max() ?? 1)
        let (yTicks, yRange) = LinePlot.ticks(ys.min() ?? 0, ys.max() ?? 1)
        let names = series.filter { !$0.sample }.map(\.name) + references.map(\.name)
        let legend = names.count, legendWidth = 40 + 6.6 * Double(names.map(\.count).max() ?? 0)
        let totalWidth = margin.left + width + margin.right + (legend > 0 ? legendWidth : 0)
        let totalHeight = max(margin.top + height + margin.bottom, margin.top + 18 * Double(legend) + 10)
        func px(_ x: Double) -> Double { margin.left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * width }
        func py(_ y: Double) -> Double { margin.top + height - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * height }
        func f(_ value: Double) -> String { String(format: "%.2f", value) }
        func dash(_ pattern: String?) -> String { pattern.map { " stroke-dasharray=\"\($0)\"" } ?? "" }

        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(totalWidth))\" height=\"\(Int(totalHeight))\" viewBox=\"0 0 \(Int(totalWidth)) \(Int(totalHeight))\" font-family=\"sans-serif\" font-size=\"12\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<text x=\"\(f(margin.left + width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">\(LinePlot.escape(title))</text>"]
        // Grid lines and tick labels.
        for tick in xTicks {
            out.append("<line x1=\"\(f(px(tick)))\" y1=\"\(f(margin.top))\" x2=\"\(f(px(tick)))\" y2=\"\(f(margin.top + height))\" stroke=\"#e5e5e5\"/>")
            out.append("<text x=\"\(f(px(tick)))\" y=\"\(f(margin.top + height + 16))\" text-anchor=\"middle\">\(LinePlot.label(tick))</text>")
        }
        for tick in yTicks {
            out.append("<line x1=\"\(f(margin.left))\" y1=\"\(f(py(tick)))\" x2=\"\(f(margin.left + width))\" y2=\"\(f(py(tick)))\" stroke=\"#e5e5e5\"/>")
            out.append("<text x=\"\(f(margin.left - 6))\" y=\"\(f(py(tick) + 4))\" text-anchor=\"end\">\(LinePlot.label(tick))</text>")
        }
        out.append("<rect x=\"\(f(margin.left))\" y=\"\(f(margin.top))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"none\" stroke=\"#333\"/>")
        out.append("<text x=\"\(f(margin.left + width / 2))\" y=\"\(f(margin.top + height + 38))\" text-anchor=\"middle\">\(LinePlot.escape(xLabel))</text>")
        out.append("<text transform=\"translate(16 \(f(margin.top + height / 2))) rotate(-90)\" text-anchor=\"middle\">\(LinePlot.escape(yLabel))</text>")
        // Bands, then sample paths, then lines, each in its series colour; reference lines on top.
        let styles = series.enumerated().map { LinePlot.style($0.element.colour ?? $0.offset) }
        for (s, style) in zip(series, styles) {
            guard let band = s.band else { continue }
            let upper = zip(s.x, band.upper).filter { $0.0.isFinite && $0.1.isFinite }.map { "\(f(px($0.0))),\(f(py($0.1)))" }
            let lower = zip(s.x, band.lower).filter { $0.0.isFinite && $0.1.isFinite }.reversed().map { "\(f(px($0.0))),\(f(py($0.1)))" }
            out.append("<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(style.colour)\" fill-opacity=\"0.28\" stroke=\"\(style.colour)\" stroke-opacity=\"0.5\" stroke-width=\"0.6\"/>")
        }
        for (s, style) in zip(series, styles).sorted(by: { $0.0.sample && !$1.0.sample }) {
            for run in LinePlot.finiteRuns(s.x, s.y) where run.count > 1 {
                let points = run.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
                let stroke = s.sample ? "stroke-width=\"0.8\" stroke-opacity=\"0.55\"" : "stroke-width=\"2\""
                out.append("<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(style.colour)\" \(stroke)\(dash(s.dashed ? "6 4" : style.dash))/>")
            }
            for point in LinePlot.finiteRuns(s.x, s.y).filter({ $0.count == 1 }).flatMap({ $0 }) {
                out.append("<circle cx=\"\(f(px(point.0)))\" cy=\"\(f(py(point.1)))\" r=\"3\" fill=\"\(style.colour)\"/>")
            }
        }
        for (index, reference) in references.enumerated() where reference.y.isFinite {
            out.append("<line x1=\"\(f(margin.left))\" y1=\"\(f(py(reference.y)))\" x2=\"\(f(margin.left + width))\" y2=\"\(f(py(reference.y)))\" "
                       + "stroke=\"\(LinePlot.referenceColours[index % 3])\" stroke-width=\"1.5\" stroke-dasharray=\"3 3\"/>")
        }
        // Legend, right of the axes.
        let entries = zip(series, styles).filter { !$0.0.sample }.map { (name: $0.0.name, colour: $0.1.colour, dash: $0.0.dashed ? "6 4" : $0.1.dash) }
            + references.enumerated().map { (name: $0.element.name, colour: LinePlot.referenceColours[$0.offset % 3], dash: "3 3") }
        for (index, entry) in entries.enumerated() {
            let y = margin.top + 12 + Double(index) * 18, x = margin.left + width + margin.right
            out.append("<line x1=\"\(f(x))\" y1=\"\(f(y - 4))\" x2=\"\(f(x + 22))\" y2=\"\(f(y - 4))\" stroke=\"\(entry.colour)\" stroke-width=\"2\"\(dash(entry.dash))/>")
            out.append("<text x=\"\(f(x + 28))\" y=\"\(f(y))\">\(LinePlot.escape(entry.name))</text>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// Tick positions at 1, 2 or 5 × 10^k spacing covering [low, high], and the axis range they span.
    static func ticks(_ low: Double, _ high: Double) -> ([Double], ClosedRange<Double>) {
        var (a, b) = (low, high)
        if a == b { (a, b) = (a - 0.5 * max(abs(a), 1), b + 0.5 * max(abs(b), 1)) }
        let rough = (b - a) / 6
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let first = floor(a / step) * step, last = ceil(b / step) * step
        let ticks = Swift.stride(from: first, through: last + step / 2, by: step).map { ($0 / step).rounded() * step }
        return (ticks, first...last)
    }

    static func label(_ value: Double) -> String {
        abs(value) < 1e-12 ? "0" : String(format: "%g", value)
    }

    /// Consecutive finite (x, y) points, split at non-finite values.
    static func finiteRuns(_ x: [Double], _ y: [Double]) -> [[(Double, Double)]] {
        var runs: [[(Double, Double)]] = [[]]
        for (a, b) in zip(x, y) {
            if a.isFinite && b.isFinite {
                runs[runs.count - 1].append((a, b))
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        return runs.filter { !$0.isEmpty }
    }

    /// Text safe inside SVG and HTML.
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
