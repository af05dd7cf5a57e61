import Foundation
import Pipeline
import XCTest

/// A stage with its own matrix that reads a swept stage runs for the product of both sweeps.
final class NestedSweepTests: XCTestCase {
    /// An n_s sweep on the simulation and a seed matrix on the SDE fit, with a naive fit beside it.
    let yaml = """
        pipeline: seeds
        stages:
          - {name: simulate, run: version, matrix: {size: [8, 16]}}
          - {name: test, run: version}
          - {name: encode, run: version, with: {input: $simulate}}
          - {name: sde, run: train-sde, with: {pairs: $encode/partial.npz, lambda: K, seed: 1}, matrix: {seed: [10, 11, 12]}}
          - {name: sde-naive, run: train-sde, with: {pairs: $encode/naive.npz}, matrix: {seed: [10, 11]}}
          - {name: evaluate, run: evaluate, with: {model: $sde, test: [$test, $encode/test.npz]}}
        profiles:
          quick: {sde: {seed: [10]}}
          paper: {simulate: {size: [8, 16, 32]}}
        """

    /// The plan for `profile`, with `extraStage` (a YAML flow mapping) appended to the stages.
    func plan(_ profile: String, adding extraStage: String? = nil) throws -> PipelinePlan {
        let text = extraStage.map { yaml.replacingOccurrences(of: "profiles:", with: "  - \($0)\nprofiles:") } ?? yaml
        return try PipelinePlan(try PipelineDefinition(yaml: text, source: "p.yaml"), profile: profile, root: URL(fileURLWithPath: "/r"))
    }

    func step(_ plan: PipelinePlan, _ name: String) throws -> PipelinePlan.Step {
        try XCTUnwrap(plan.steps.first { $0.name == name }, "no step '\(name)' in \(plan.steps.map(\.name))")
    }

    func testCopiesAreTheProductOfTheInheritedSweepAndTheOwnMatrix() throws {
        let plan = try plan("default")
        XCTAssertEqual(plan.steps.filter { $0.name.hasPrefix("sde-") && !$0.name.hasPrefix("sde-naive") }.map(\.name),
                       ["sde-8-10", "sde-8-11", "sde-8-12", "sde-16-10", "sde-16-11", "sde-16-12"])
        XCTAssertEqual(try step(plan, "sde-16-11").arguments,
                       ["train-sde", "--pairs=/r/encode-16/partial.npz", "--lambda=K", "--seed=11", "--out=/r/sde-16-11"])
        XCTAssertEqual(try step(plan, "sde-8-10").upstream, ["encode-8"])
        XCTAssertEqual(try step(plan, "sde-naive-16-10").arguments,
                       ["train-sde", "--pairs=/r/encode-16/naive.npz", "--seed=10", "--out=/r/sde-naive-16-10"])
        XCTAssertEqual(plan.steps.filter { $0.name.hasPrefix("sde-naive") }.count, 4)
    }

    /// `evaluate` reads `sde` (n_s × seed) and `encode` (n_s): each copy reads the matching ones.
    func testALaterStageFollowsTheProductAndReadsTheMatchingCopyOfEachInput() throws {
        let plan = try plan("default")
        XCTAssertEqual(plan.steps.filter { $0.name.hasPrefix("evaluate") }.map(\.name),
                       ["evaluate-8-10", "evaluate-8-11", "evaluate-8-12", "evaluate-16-10", "evaluate-16-11", "evaluate-16-12"])
        let evaluate = try step(plan, "evaluate-16-12")
        XCTAssertEqual(evaluate.arguments, ["evaluate", "--model=/r/sde-16-12", "--test=/r/test", "--test=/r/encode-16/test.npz", "--out=/r/evaluate-16-12"])
        XCTAssertEqual(evaluate.upstream, ["sde-16-12", "test", "encode-16"])
    }

    /// The product nests further: a matrix on a stage that follows a product adds a third value.
    func testAMatrixOnAStageFollowingAProductAddsAnAxis() throws {
        let plan = try plan("quick", adding: "{name: plot, run: version, with: {model: $sde}, matrix: {bins: [5, 9]}}")
        XCTAssertEqual(plan.steps.filter { $0.name.hasPrefix("plot") }.map(\.name), ["plot-8-10-5", "plot-8-10-9", "plot-16-10-5", "plot-16-10-9"])
        XCTAssertEqual(try step(plan, "plot-16-10-9").arguments, ["version", "--model=/r/sde-16-10", "--bins=9", "--out=/r/plot-16-10-9"])
    }

    /// A profile's list replaces the inner matrix's values and the outer sweep's, independently.
    func testProfilesReplaceTheInnerAndOuterValues() throws {
        let quick = try plan("quick")
        XCTAssertEqual(quick.steps.filter { $0.name.hasPrefix("sde-") && !$0.name.hasPrefix("sde-naive") }.map(\.name), ["sde-8-10", "sde-16-10"])
        XCTAssertEqual(quick.steps.filter { $0.name.hasPrefix("evaluate") }.map(\.name), ["evaluate-8-10", "evaluate-16-10"])
        XCTAssertEqual(try step(quick, "sde-16-10").arguments,
                       ["train-sde", "--pairs=/r/encode-16/partial.npz", "--lambda=K", "--seed=10", "--out=/r/sde-16-10"])
        let paper = try plan("paper")
        XCTAssertEqual(paper.steps.filter { $0.name.hasPrefix("evaluate") }.count, 9)
        XCTAssertEqual(try step(paper, "evaluate-32-11").arguments.first { $0.hasPrefix("--model") }, "--model=/r/sde-32-11")
    }

    /// Two products of the same n_s sweep (`sde` and `sde-naive` seeds) are different sweeps.
    func testStagesOfUnrelatedSweepsCannotBeReadTogether() throws {
        XCTAssertThrowsError(try plan("default", adding: "{name: compare, run: version, with: {a: $sde, b: $sde-naive, c: $encode}}")) { error in
            XCTAssertEqual("\(error)", "stage 'compare' reads stages swept by different matrices: 'encode' (swept by simulate), "
                + "'sde' (swept by simulate × sde) and 'sde-naive' (swept by simulate × sde-naive)")
        }
    }
}
