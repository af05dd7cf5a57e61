import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Reports
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
}
