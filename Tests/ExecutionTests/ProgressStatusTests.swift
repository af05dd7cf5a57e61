import Execution
import XCTest

/// The status a loop shows after its count: set before a step, it is on that step's line and the final one.
final class ProgressStatusTests: XCTestCase {
    func testStatusFollowsTheCountFromTheNextLineOn() {
        let harness = ProgressTests.Harness()
        let progress = Progress("train-sde", total: 3, interactive: false, sparseInterval: 10, clock: { harness.now }, output: { harness.lines.append($0) })
        harness.now = 1
        progress.show(Progress.losses(training: -35.58923, validation: -36.58594))
        progress.advance()
        harness.now = 2
        progress.show(Progress.losses(training: 1.23456e-5, validation: nil))
        progress.advance()
        progress.advance()
        progress.finish()
        XCTAssertEqual(harness.lines, ["train-sde: 1/3 (33%), 1/s, ETA 2.0s; loss -35.59, validation -36.59\n",
                                       "train-sde: 3/3 (100%) in 2.0s; loss 1.235e-05\n"])
    }

    func testNoStatusLeavesTheLineAsItWas() {
        let harness = ProgressTests.Harness()
        let progress = Progress("x", total: 1, interactive: false, clock: { harness.now }, output: { harness.lines.append($0) })
        harness.now = 0.5
        progress.show("")
        progress.advance()
        progress.finish()
        XCTAssertEqual(harness.lines, ["x: 1/1 (100%) in 0.5s\n"])
    }
}
