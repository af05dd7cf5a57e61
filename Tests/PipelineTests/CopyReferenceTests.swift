import Foundation
import Pipeline
import XCTest

/// A stage may name single copies of an earlier swept stage (`$rollout-32-K`): how one analysis
/// gathers every (size, λ) copy with the size it was made for.
final class CopyReferenceTests: XCTestCase {
    let yaml = """
        pipeline: copies
        stages:
          - {name: upsample, run: version, matrix: {factors: [2, 3]}}
          - {name: rollout, run: version, with: {input: $upsample}, matrix: {lambda: [K, 0.5K]}}
          - {name: critical, run: critical, with: {rollout: ["$rollout-2-K:32,2.27", "$rollout-3-0.5K/rollouts.npz:48,2.27"]}}
        """

    func plan(_ text: String) throws -> PipelinePlan {
        try PipelinePlan(try PipelineDefinition(yaml: text, source: "p.yaml"), profile: "default", root: URL(fileURLWithPath: "/r"))
    }

    func testANamedCopyIsReadAsItIsAndTheReaderIsNotSwept() throws {
        let plan = try plan(yaml)
        let critical = try XCTUnwrap(plan.steps.first { $0.name.hasPrefix("critical") })
        XCTAssertEqual(critical.name, "critical", "reading named copies does not sweep the reader")
        XCTAssertEqual(critical.arguments, ["critical", "--rollout=/r/rollout-2-K:32,2.27", "--rollout=/r/rollout-3-0.5K/rollouts.npz:48,2.27",
                                            "--out=/r/critical"])
        XCTAssertEqual(critical.upstream, ["rollout-2-K", "rollout-3-0.5K"], "the copies are its upstream stages")
    }

    /// Copies of the stage itself, of later stages, and copies that the sweep does not make are refused.
    func testOnlyCopiesOfEarlierStagesThatExistCanBeNamed() {
        for (reference, expected) in [("$rollout-4-K", "no stage 'rollout-4-K'"), ("$later-2", "no stage 'later-2'")] {
            let text = yaml.replacingOccurrences(of: "\"$rollout-2-K:32,2.27\"", with: "\"\(reference)\"")
                + "\n  - {name: later, run: version, matrix: {size: [2]}}"
            XCTAssertThrowsError(try plan(text)) { XCTAssertTrue("\($0)".contains(expected), "\($0)") }
        }
        let own = yaml.replacingOccurrences(of: "with: {input: $upsample}", with: "with: {input: $upsample, other: $rollout-2-K}")
        XCTAssertThrowsError(try plan(own)) { XCTAssertTrue("\($0)".contains("no stage 'rollout-2-K'"), "\($0)") }
    }
}
