import Foundation
import Pipeline
import XCTest

/// Matrices over the same option with the same values are one sweep axis: a temperature sweep of
/// the small simulation, the validation and the test simulations, read together copy by copy.
final class SharedAxisTests: XCTestCase {
    let yaml = """
        pipeline: sweep
        stages:
          - {name: simulate, run: version, with: {cells: 8}, matrix: {temperature: [2000, 3000]}}
          - {name: validation, run: version, with: {cells: 16}, matrix: {temperature: [2000, 3000]}}
          - {name: test, run: version, with: {cells: 16}, matrix: {temperature: [2000, 3000]}}
          - {name: upsample, run: version, with: {input: $simulate}}
          - {name: encode, run: version, with: {evolved: $upsample, validation: $validation}}
          - {name: sde, run: version, with: {pairs: $encode/partial.npz}}
          - {name: evaluate, run: evaluate, with: {model: $sde, test: [$test]}}
        profiles:
          quick: {}
          sweep: {simulate: {temperature: [1000, 2000]}, validation: {temperature: [1000, 2000]}, test: {temperature: [1000, 2000]}}
          broken: {simulate: {temperature: [1000, 2000]}, validation: {temperature: [1000, 2000]}}
        """

    func plan(_ text: String, _ profile: String = "quick") throws -> PipelinePlan {
        try PipelinePlan(try PipelineDefinition(yaml: text, source: "p.yaml"), profile: profile, root: URL(fileURLWithPath: "/r"))
    }

    func testStagesSweptOverOneListAreReadCopyByCopy() throws {
        let plan = try plan(yaml)
        XCTAssertEqual(plan.steps.filter { $0.name.hasPrefix("evaluate") }.map(\.name), ["evaluate-2000", "evaluate-3000"])
        let encode = try XCTUnwrap(plan.steps.first { $0.name == "encode-3000" })
        XCTAssertEqual(encode.arguments, ["version", "--evolved=/r/upsample-3000", "--validation=/r/validation-3000", "--out=/r/encode-3000"])
        XCTAssertEqual(encode.upstream, ["upsample-3000", "validation-3000"])
        let evaluate = try XCTUnwrap(plan.steps.first { $0.name == "evaluate-2000" })
        XCTAssertEqual(evaluate.arguments, ["evaluate", "--model=/r/sde-2000", "--test=/r/test-2000", "--out=/r/evaluate-2000"])
        XCTAssertEqual(evaluate.upstream, ["sde-2000", "test-2000"])
        XCTAssertEqual(plan.steps.first { $0.name == "test-3000" }?.arguments, ["version", "--cells=16", "--temperature=3000", "--out=/r/test-3000"])
    }

    /// A profile that sets the list of every stage of the axis keeps them one axis.
    func testAProfileReplacingEveryListKeepsOneAxis() throws {
        let plan = try plan(yaml, "sweep")
        XCTAssertEqual(plan.steps.filter { $0.name.hasPrefix("evaluate") }.map(\.name), ["evaluate-1000", "evaluate-2000"])
        XCTAssertEqual(plan.steps.first { $0.name == "evaluate-1000" }?.upstream, ["sde-1000", "test-1000"])
    }

    /// Lists that differ (a profile that forgot one stage, another order, another option) are
    /// different sweeps, refused when read together, with the stages and their sweeps named.
    func testDifferentListsOrOptionsAreStillDifferentSweeps() throws {
        XCTAssertThrowsError(try plan(yaml, "broken")) { error in
            XCTAssertEqual("\(error)", "stage 'evaluate' reads stages swept by different matrices: 'sde' (swept by simulate) and 'test' (swept by test)")
        }
        for (from, to) in [("{name: test, run: version, with: {cells: 16}, matrix: {temperature: [2000, 3000]}}",
                            "{name: test, run: version, with: {cells: 16}, matrix: {temperature: [3000, 2000]}}"),
                           ("{name: validation, run: version, with: {cells: 16}, matrix: {temperature: [2000, 3000]}}",
                            "{name: validation, run: version, with: {cells: 16}, matrix: {seed: [2000, 3000]}}")] {
            XCTAssertThrowsError(try plan(yaml.replacingOccurrences(of: from, with: to))) { error in
                XCTAssertTrue("\(error)".contains("reads stages swept by different matrices"), "\(error)")
            }
        }
    }

    /// A matrix that repeats an axis the stage already follows would make `encode-2000-2000`.
    func testAMatrixRepeatingAFollowedAxisIsRefused() throws {
        let repeated = yaml.replacingOccurrences(of: "{name: sde, run: version, with: {pairs: $encode/partial.npz}}",
                                                 with: "{name: sde, run: version, with: {pairs: $encode/partial.npz}, matrix: {temperature: [2000, 3000]}}")
        XCTAssertThrowsError(try plan(repeated)) { error in
            XCTAssertEqual("\(error)", "stage 'sde': its matrix sweeps 'temperature' over the values of 'simulate', whose sweep it follows already; drop the matrix")
        }
        let seeds = yaml.replacingOccurrences(of: "{name: sde, run: version, with: {pairs: $encode/partial.npz}}",
                                              with: "{name: sde, run: version, with: {pairs: $encode/partial.npz}, matrix: {seed: [1, 2]}}")
        XCTAssertEqual(try plan(seeds).steps.first { $0.name == "evaluate-3000-2" }?.upstream, ["sde-3000-2", "test-3000"],
                       "another option makes a product, read with the shared axis")
    }
}
