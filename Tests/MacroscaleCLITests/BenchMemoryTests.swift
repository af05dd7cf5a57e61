import Foundation
import XCTest

/// `macroscale bench` prints the peak resident memory of every measurement it runs (issue 17 item 5).
final class BenchMemoryTests: CommandTestCase {
    /// The megabytes in `line`'s `peak resident N MB`, nil if it has none.
    static func peakMegabytes(_ line: Substring) -> Double? {
        line.components(separatedBy: "peak resident ").dropFirst().first?.split(separator: " ").first.flatMap { Double($0) }
    }

    func testEveryMeasurementPrintsItsPeakResidentMemory() throws {
        let simulate = try macroscale(["bench", "simulate", "--only", "Curie", "--seconds", "0.05"]).split(separator: "\n")
        let measured = simulate.filter { !$0.hasSuffix("skipped") }
        XCTAssertEqual(measured.count, 1, "\(simulate)")
        let learn = try macroscale(["bench", "learn", "--only", "predator", "--seconds", "0.05", "--threads", "1"]).split(separator: "\n")
        let trained = learn.filter { $0.contains("samples/s") }
        XCTAssertEqual(trained.count, 1, "\(learn)")
        for line in measured + trained {
            // A whole process with the Swift runtime, OpenBLAS and GSL loaded holds megabytes, not bytes nor terabytes.
            let peak = try XCTUnwrap(Self.peakMegabytes(line), "no peak resident memory in '\(line)'")
            XCTAssertGreaterThan(peak, 1, String(line))
            XCTAssertLessThan(peak, 16_000, String(line))
        }
    }
}
