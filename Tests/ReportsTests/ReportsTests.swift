import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Reports
import TestSupport
import XCTest

final class ReportsTests: XCTestCase {
    /// Parses `text` as XML; returns the element names seen.
    static func elements(ofXML text: String) throws -> [String] {
        final class Collector: NSObject, XMLParserDelegate {
            var names: [String] = []
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
                names.append(name)
            }
        }
        let parser = XMLParser(data: Data(text.utf8))
        let collector = Collector()
        parser.delegate = collector
        guard parser.parse() else { throw parser.parserError ?? NSError(domain: "xml", code: 1) }
        return collector.names
    }

    func testPlotIsWellFormedSVGWithLinesBandsAndLegend() throws {
        let plot = LinePlot(title: "m <predicted> & true", xLabel: "time", yLabel: "m", series: [
            .init(name: "SDE", x: [0, 1, 2, 3], y: [0.1, 0.4, .nan, 0.5], band: ([0, 0.3, .nan, 0.4], [0.2, 0.5, .nan, 0.6])),
            .init(name: "true", x: [0, 1, 2, 3], y: [0.1, 0.35, 0.45, 0.5], dashed: true),
        ])
        let names = try Self.elements(ofXML: plot.svg)
        XCTAssertEqual(names.first, "svg")
        XCTAssertEqual(names.filter { $0 == "polyline" }.count, 2, "the NaN splits the first line into a polyline and a point")
        XCTAssertEqual(names.filter { $0 == "circle" }.count, 1)
        XCTAssertEqual(names.filter { $0 == "polygon" }.count, 1)
        XCTAssertTrue(plot.svg.contains("m &lt;predicted&gt; &amp; true"))
    }

    func testTicksAreNiceAndCoverTheData() {
        let (ticks, range) = LinePlot.ticks(0.013, 0.87)
        XCTAssertEqual(ticks.count, 6)
        for (tick, expected) in zip(ticks, [0, 0.2, 0.4, 0.6, 0.8, 1.0]) { XCTAssertEqual(tick, expected, accuracy: 1e-12) }
        XCTAssertEqual(range, 0...1)
        let (flat, flatRange) = LinePlot.ticks(2, 2)
        XCTAssertTrue(flatRange.contains(2) && flat.count >= 2)
    }

    func testHTMLReportIsSelfContainedAndWellFormed() throws {
        var page = HTMLReport(title: "Evaluation")
        page.table(header: ["run", "MMD²"], rows: [["a<b", "0.1"]])
        page.plot(LinePlot(title: "x", xLabel: "t", yLabel: "y", series: [.init(name: "s", x: [0, 1], y: [1, 2])]))
        let html = page.html
        XCTAssertFalse(html.contains("<script") || html.contains("src=") || html.contains("href="), "no external resources")
        XCTAssertTrue(html.contains("a&lt;b"))
        // The body (everything inside <body>) is well-formed XML too.
        let body = html[html.range(of: "<body>")!.lowerBound..<html.range(of: "</body>")!.upperBound]
        XCTAssertTrue(try Self.elements(ofXML: String(body)).contains("svg"))
    }

    /// The x coordinates where the plot's axes frame and its legend entries start.
    static func frameAndLegend(_ svg: String) throws -> (frameRight: Double, legendLeft: [Double]) {
        func number(_ pattern: String, in text: Substring) -> Double? {
            guard let range = text.range(of: pattern) else { return nil }
            return Double(text[range.upperBound...].prefix { $0 != "\"" })
        }
        let lines = svg.split(separator: "\n")
        let frame = try XCTUnwrap(lines.first { $0.hasPrefix("<rect x=") && $0.contains("stroke=\"#333\"") })
        let frameRight = try XCTUnwrap(number("x=\"", in: frame)) + (try XCTUnwrap(number("width=\"", in: frame)))
        // Legend entries: the short swatch lines (22 px) followed by their text.
        let swatches = lines.indices.filter { i in
            lines[i].hasPrefix("<line") && i + 1 < lines.count && lines[i + 1].hasPrefix("<text")
                && (number("x2=\"", in: lines[i]) ?? 0) - (number("x1=\"", in: lines[i]) ?? 0) == 22
        }
        return (frameRight, swatches.map { number("x1=\"", in: lines[$0])! })
    }

    func testLegendSitsRightOfTheAxesAndNamesEverySeriesButSamples() throws {
        let x = [0.0, 1, 2]
        var series = (0..<13).map { LinePlot.Series(name: "condition \($0)", x: x, y: x.map { $0 * 2 }) }
        series.append(.init(name: "a sample", x: x, y: [1, 0, 1], sample: true, colour: 0))
        let plot = LinePlot(title: "t", xLabel: "time (Glauber time)", yLabel: "m (physical)", series: series,
                            references: [.init(name: "naive (λ = 1)", y: 3.5)])
        let (frameRight, legend) = try Self.frameAndLegend(plot.svg)
        XCTAssertEqual(legend.count, 14, "13 series and the reference line; the sample path is not in the legend")
        XCTAssertTrue(legend.allSatisfy { $0 > frameRight }, "legend entries at \(legend), axes end at \(frameRight)")
        XCTAssertFalse(plot.svg.contains(">a sample<"))
        // The reference line spans the axes at y = 3.5, which the y axis covers.
        XCTAssertTrue(plot.svg.contains("stroke-dasharray=\"3 3\""))
        XCTAssertTrue(try Self.elements(ofXML: plot.svg).contains("polyline"))
    }

    func testTwelveSeriesGetTwelveDistinctColoursAndRepeatsAreDashed() {
        let styles = (0..<24).map(LinePlot.style)
        XCTAssertEqual(Set(styles.prefix(12).map(\.colour)).count, 12)
        XCTAssertTrue(styles.prefix(12).allSatisfy { $0.dash == nil })
        XCTAssertTrue(styles.suffix(12).allSatisfy { $0.dash != nil }, "a 13th series repeats a colour, so it differs by its dashes")
        // Colours that are 12 distinct hex strings could still look alike: every pair is ≥ 30 apart in CIELAB (ΔE*76).
        func lab(_ hex: String) -> [Double] {
            let linear = stride(from: 1, to: 7, by: 2).map { offset -> Double in
                let c = Double(Int(hex.dropFirst(offset).prefix(2), radix: 16)!) / 255
                return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
            }
            let (r, g, b) = (linear[0], linear[1], linear[2])
            let xyz = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883]
            let f = xyz.map { $0 > 0.008856 ? cbrt($0) : 7.787 * $0 + 16.0 / 116 }
            return [116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])]
        }
        for a in 0..<12 { for b in (a + 1)..<12 {
            let distance = zip(lab(styles[a].colour), lab(styles[b].colour)).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            XCTAssertGreaterThanOrEqual(distance, 30, "\(styles[a].colour) vs \(styles[b].colour)")
        } }
        XCTAssertTrue(styles.prefix(12).allSatisfy { c in Set(stride(from: 1, to: 7, by: 2).map { c.colour.dropFirst($0).prefix(2) }).count > 1 },
                      "no greys (R = G = B): they mark reference lines")
    }

    func testHistogramDensitiesMatchNumPy() throws {
        let values = (0..<500).map { sin(Double($0) * 0.37) * 2 + cos(Double($0) * 1.3) }
        let other = values.map { $0 * 0.5 + 0.3 }
        let edges = Histogram.edges([values, other], bins: 17)
        let density = Histogram.densities(values, edges: edges)
        let output = try Python.run("""
            import sys, json, numpy as np
            v = np.sin(np.arange(500) * 0.37) * 2 + np.cos(np.arange(500) * 1.3)
            edges = np.linspace(min(v.min(), (v * 0.5 + 0.3).min()), max(v.max(), (v * 0.5 + 0.3).max()), 18)
            d, _ = np.histogram(v, bins=edges, density=True)
            print(json.dumps([list(edges), list(d)]))
            """)
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[Double]])
        for (a, b) in zip(edges, expected[0]) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        for (a, b) in zip(density, expected[1]) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        XCTAssertEqual(zip(density, zip(edges, edges.dropFirst())).map { $0 * ($1.1 - $1.0) }.reduce(0, +), 1, accuracy: 1e-12, "a density integrates to 1")
        // The step outline starts and ends at zero and has two points per bin.
        let outline = Histogram.series(name: "h", values: values, edges: edges)
        XCTAssertEqual(outline.x.count, 2 * 17 + 2)
        XCTAssertEqual([outline.y.first, outline.y.last], [0, 0])
        // Nothing finite: zero density, not NaN.
        XCTAssertEqual(Histogram.densities([.nan, .infinity], edges: [0, 1, 2]), [0, 0])
        XCTAssertEqual(Histogram.edges([[3, 3]], bins: 2), [2.5, 3, 3.5])
    }

    func testGridPutsPlotsSideBySideUnderTheSubtitle() throws {
        var page = HTMLReport(title: "Evaluation of sde", subtitle: "model sde: λ = 4 (K)")
        let plot = LinePlot(title: "x", xLabel: "t", yLabel: "y", series: [.init(name: "s", x: [0, 1], y: [1, 2])])
        page.grid([plot, plot, plot])
        let html = page.html
        XCTAssertTrue(html.contains("<p class=\"subtitle\">model sde: λ = 4 (K)</p>"))
        let body = html[html.range(of: "<body>")!.lowerBound..<html.range(of: "</body>")!.upperBound]
        let names = try Self.elements(ofXML: String(body))
        XCTAssertEqual(names.filter { $0 == "svg" }.count, 3)
        XCTAssertEqual(names.filter { $0 == "div" }.count, 1, "one grid holds the three figures")
    }
}
