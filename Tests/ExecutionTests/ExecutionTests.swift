@testable import Execution
import Foundation
import Synchronization
import XCTest

final class ParallelForTests: XCTestCase {
    func testEveryIndexRunsExactlyOnce() {
        let counts = Mutex([Int](repeating: 0, count: 1000))
        parallelFor(1000, threads: 2) { index in counts.withLock { $0[index] += 1 } }
        XCTAssertEqual(counts.withLock { $0 }, [Int](repeating: 1, count: 1000))
    }

    func testThrowingVariantRethrowsTheLowestFailingIndex() {
        struct Failure: Error { let index: Int }
        XCTAssertThrowsError(try parallelForThrowing(100, threads: 1) { index in
            if index == 30 || index == 70 { throw Failure(index: index) }
        }) { error in XCTAssertEqual((error as? Failure)?.index, 30) }
        XCTAssertNoThrow(try parallelForThrowing(10, threads: 2) { _ in })
    }

    func testThreadCountHonoursOverride() {
        ThreadCount.set(3)
        XCTAssertEqual(ThreadCount.current, 3)
        ThreadCount.set(0)
        XCTAssertGreaterThanOrEqual(ThreadCount.current, 1)
    }
}

final class ProgressTests: XCTestCase {
    /// A fake clock and a captured output stream.
    final class Harness: @unchecked Sendable {
        var now = 0.0
        var lines: [String] = []
    }

    func testSparseModePrintsAtMostOncePerIntervalAndAtTheEnd() {
        let harness = Harness()
        let progress = Progress("simulate", total: 100, interactive: false, sparseInterval: 10,
                                clock: { harness.now }, output: { harness.lines.append($0) })
        for _ in 0..<100 {
            harness.now += 0.5
            progress.advance()
        }
        progress.finish()
        progress.finish()
        // Reports at t = 0.5 (first), 10.5, 20.5, 30.5, 40.5; the 100th unit is only in the final line.
        XCTAssertEqual(harness.lines.count, 6)
        XCTAssertEqual(harness.lines.first, "simulate: 1/100 (1%), 2/s, ETA 50s\n".replacingOccurrences(of: "50s", with: "49.5s"))
        XCTAssertEqual(harness.lines.last, "simulate: 100/100 (100%) in 50.0s\n")
    }

    func testInteractiveModeRedrawsInPlace() {
        let harness = Harness()
        let progress = Progress("train", total: 4, interactive: true, clock: { harness.now }, output: { harness.lines.append($0) })
        harness.now = 1
        progress.advance()
        progress.finish()
        XCTAssertEqual(harness.lines.count, 2)
        XCTAssertTrue(harness.lines.allSatisfy { $0.hasPrefix("\r\u{1B}[K") })
        XCTAssertTrue(harness.lines[1].hasSuffix("\n"))
    }

    func testQuietSilencesEverything() {
        let harness = Harness()
        Progress.quiet = true
        defer { Progress.quiet = false }
        let progress = Progress("x", total: 2, interactive: false, clock: { harness.now }, output: { harness.lines.append($0) })
        progress.advance(by: 2)
        progress.finish()
        XCTAssertEqual(harness.lines, [])
    }

    func testDurationFormatting() {
        XCTAssertEqual(Progress.duration(5.25), "5.2s")
        XCTAssertEqual(Progress.duration(125), "2m05s")
        XCTAssertEqual(Progress.duration(7325), "2h02m")
    }
}
