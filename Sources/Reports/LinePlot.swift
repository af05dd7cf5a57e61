import Foundation

/// A line plot written directly as SVG: axes with "nice" ticks, labels, a legend, and optional
/// shaded bands (mean ± std). Non-finite points break a line rather than distort the axes.
public struct LinePlot {
    public struct Series {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        /// Lower and upper edges of a shaded band around the line.
        public var band: (lower: [Double], upper: [Double])?
        public var dashed = false

        public init(name: String, x: [Double], y: [Double], band: (lower: [Double], upper: [Double])? = nil, dashed: Bool = false) {
            precondition(x.count == y.count, "series '\(name)': \(x.count) x values for \(y.count) y values")
            self.name = name
            self.x = x
            self.y = y
            self.band = band
            self.dashed = dashed
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width = 640.0
    public var height = 400.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    private static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
    private let margin = (left: 70.0, right: 20.0, top: 40.0, bottom: 55.0)

    /// The plot as a standalone SVG document.
    public var svg: String {
        let xs = series.flatMap(\.x).filter(\.isFinite)
        let ys = series.flatMap { $0.y + ($0.band.map { $0.lower + $0.upper } ?? []) }.filter(\.isFinite)
        let (xTicks, xRange) = LinePlot.ticks(xs.min() ?? 0, xs.max() ?? 1)
        let (yTicks, yRange) = LinePlot.ticks(ys.min() ?? 0, ys.max() ?? 1)
        let plotWidth = width - margin.left - margin.right, plotHeight = height - margin.top - margin.bottom
        func px(_ x: Double) -> Double { margin.left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotWidth }
        func py(_ y: Double) -> Double { margin.top + plotHeight - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * plotHeight }
        func f(_ value: Double) -> String { String(format: "%.2f", value) }

        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<text x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(LinePlot.escape(title))</text>"]
        // Grid lines and tick labels.
        for tick in xTicks {
            out.append("<line x1=\"\(f(px(tick)))\" y1=\"\(f(margin.top))\" x2=\"\(f(px(tick)))\" y2=\"\(f(margin.top + plotHeight))\" stroke=\"#e5e5e5\"/>")
            out.append("<text x=\"\(f(px(tick)))\" y=\"\(f(margin.top + plotHeight + 16))\" text-anchor=\"middle\">\(LinePlot.label(tick))</text>")
        }
        for tick in yTicks {
            out.append("<line x1=\"\(f(margin.left))\" y1=\"\(f(py(tick)))\" x2=\"\(f(margin.left + plotWidth))\" y2=\"\(f(py(tick)))\" stroke=\"#e5e5e5\"/>")
            out.append("<text x=\"\(f(margin.left - 6))\" y=\"\(f(py(tick) + 4))\" text-anchor=\"end\">\(LinePlot.label(tick))</text>")
        }
        out.append("<rect x=\"\(f(margin.left))\" y=\"\(f(margin.top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#333\"/>")
        out.append("<text x=\"\(f(margin.left + plotWidth / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(LinePlot.escape(xLabel))</text>")
        out.append("<text transform=\"translate(16 \(f(margin.top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(LinePlot.escape(yLabel))</text>")
        // Bands, then lines, each in its series colour.
        for (index, s) in series.enumerated() {
            let colour = LinePlot.palette[index % LinePlot.palette.count]
            if let band = s.band {
                let upper = zip(s.x, band.upper).filter { $0.0.isFinite && $0.1.isFinite }.map { "\(f(px($0.0))),\(f(py($0.1)))" }
                let lower = zip(s.x, band.lower).filter { $0.0.isFinite && $0.1.isFinite }.reversed().map { "\(f(px($0.0))),\(f(py($0.1)))" }
                out.append("<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(colour)\" fill-opacity=\"0.18\" stroke=\"none\"/>")
            }
            for run in LinePlot.finiteRuns(s.x, s.y) where run.count > 1 {
                let points = run.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
                out.append("<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\"\(s.dashed ? " stroke-dasharray=\"6 4\"" : "")/>")
            }
            for point in LinePlot.finiteRuns(s.x, s.y).filter({ $0.count == 1 }).flatMap({ $0 }) {
                out.append("<circle cx=\"\(f(px(point.0)))\" cy=\"\(f(py(point.1)))\" r=\"3\" fill=\"\(colour)\"/>")
            }
        }
        // Legend, top right inside the axes.
        for (index, s) in series.enumerated() {
            let y = margin.top + 16 + Double(index) * 18, x = margin.left + plotWidth - 160
            let colour = LinePlot.palette[index % LinePlot.palette.count]
            out.append("<line x1=\"\(f(x))\" y1=\"\(f(y - 4))\" x2=\"\(f(x + 22))\" y2=\"\(f(y - 4))\" stroke=\"\(colour)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"6 4\"" : "")/>")
            out.append("<text x=\"\(f(x + 28))\" y=\"\(f(y))\">\(LinePlot.escape(s.name))</text>")
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
