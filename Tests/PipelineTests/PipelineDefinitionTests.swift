import Foundation
import Pipeline
import XCTest

final class PipelineDefinitionTests: XCTestCase {
    let valid = """
        pipeline: demo
        stages:
          - {name: simulate, run: simulate curie-weiss, with: {size: 8, runs: 4}}
          - {name: upsample, run: upsample, with: {input: $simulate, target-size: 16, snapshots: 10}}
          - {name: evaluate, run: evaluate, with: {model: $upsample, test: [$simulate, $upsample/x.npz]}}
        profiles:
          quick: {}
          big: {simulate: {runs: 40, pairs: true}}
        """

    func testAValidFileResolvesProfilesReferencesAndLists() throws {
        let definition = try PipelineDefinition(yaml: valid, source: "p.yaml")
        let plan = try PipelinePlan(definition, profile: "big", root: URL(fileURLWithPath: "/runs"))
        XCTAssertEqual(plan.steps.map(\.name), ["simulate", "upsample", "evaluate"])
        XCTAssertEqual(plan.steps[0].arguments, ["simulate", "curie-weiss", "--size=8", "--runs=40", "--pairs", "--out=/runs/simulate"])
        XCTAssertEqual(plan.steps[1].arguments, ["upsample", "--input=/runs/simulate", "--target-size=16", "--snapshots=10", "--out=/runs/upsample"])
        XCTAssertEqual(plan.steps[2].arguments, ["evaluate", "--model=/runs/upsample", "--test=/runs/simulate", "--test=/runs/upsample/x.npz", "--out=/runs/evaluate"])
        XCTAssertEqual(plan.steps[2].upstream, ["upsample", "simulate"])
    }

    func testEveryClassOfBadInputIsNamed() throws {
        XCTAssertTrue(pipelineError("pipeline: x\nstages: []").contains("'stages' must be a non-empty list"))
        XCTAssertTrue(pipelineError("pipeline: x\ncolour: red\nstages:\n  - {name: a, run: version}").contains("unknown key 'colour'"))
        XCTAssertTrue(pipelineError("pipeline: x\nstages:\n  - {name: a, run: version, wiht: {}}").contains("stage 1: unknown key 'wiht'"))
        XCTAssertTrue(pipelineError("pipeline: x\nstages:\n  - {name: a, run: version, with: [1, 2]}").contains("must be a mapping"))
        XCTAssertTrue(pipelineError("pipeline: x\nstages:\n  - {name: a, run: version, with: {size: {nested: 1}}}").contains("option 'size' must be a number, text, true/false or a list"))
        XCTAssertTrue(pipelineError("pipeline: x\nstages:\n  - {name: a, run: version}\n  - {name: a, run: version}").contains("two stages are named 'a'"))
        XCTAssertTrue(pipelineError("pipeline: x\nstages:\n  - {name: a}").contains("missing 'run: COMMAND'"))
        XCTAssertTrue(pipelineError("pipeline: x\nstages:\n  - {name: a, run: version}\nprofiles:\n  quick: {b: {x: 1}}").contains("unknown stage 'b'"))
        XCTAssertTrue(pipelineError("stages: [\n").contains("not valid YAML"))
        let definition = try PipelineDefinition(yaml: "pipeline: x\nstages:\n  - {name: a, run: upsample, with: {input: $b}}\n  - {name: b, run: version}", source: "p.yaml")
        XCTAssertThrowsError(try PipelinePlan(definition, profile: "default", root: URL(fileURLWithPath: "/r"))) { error in
            XCTAssertTrue("\(error)".contains("refers to a later stage 'b'"), "\(error)")
        }
        XCTAssertThrowsError(try PipelinePlan(try PipelineDefinition(yaml: valid, source: "p.yaml"), profile: "paper", root: URL(fileURLWithPath: "/r"))) { error in
            XCTAssertTrue("\(error)".contains("no profile 'paper' (profiles: big, quick)"), "\(error)")
        }
    }

    /// A matrix makes one copy per value; a stage reading a swept stage is swept with it.
    func testMatrixSweepsAStageAndEverythingThatReadsIt() throws {
        let definition = try PipelineDefinition(yaml: """
            pipeline: sweep
            stages:
              - {name: encode, run: version}
              - {name: sde, run: train-sde, with: {pairs: $encode/partial.npz}, matrix: {lambda: [1, 5]}}
              - {name: evaluate, run: evaluate, with: {model: $sde, test: $encode}}
              - {name: compare, run: version, with: {runs: [$encode]}}
            """, source: "p.yaml")
        let plan = try PipelinePlan(definition, profile: "default", root: URL(fileURLWithPath: "/r"))
        XCTAssertEqual(plan.steps.map(\.name), ["encode", "sde-1", "sde-5", "evaluate-1", "evaluate-5", "compare"])
        XCTAssertEqual(plan.steps[2].arguments, ["train-sde", "--pairs=/r/encode/partial.npz", "--lambda=5", "--out=/r/sde-5"])
        XCTAssertEqual(plan.steps[4].arguments, ["evaluate", "--model=/r/sde-5", "--test=/r/encode", "--out=/r/evaluate-5"])
        XCTAssertEqual(plan.steps[4].upstream, ["sde-5", "encode"])
        XCTAssertTrue(pipelineError("pipeline: x\nstages:\n  - {name: a, run: version, matrix: {lambda: 1}}").contains("'matrix' must name one option with a list"))
    }

    /// An n_s sweep: a matrix on the simulation carries through every stage built on it, a stage may
    /// read several stages of one sweep (copies pair up), and a profile's list replaces the values.
    func testASweepFromTheSimulationCarriesThroughAndProfilesReplaceItsValues() throws {
        let yaml = """
            pipeline: ns
            stages:
              - {name: simulate, run: version, with: {runs: 5}, matrix: {size: [8, 16]}}
              - {name: test, run: version}
              - {name: upsample, run: version, with: {input: $simulate}}
              - {name: closure, run: version, with: {input: $upsample, validation: $test}}
              - {name: encode, run: version, with: {evolved: $upsample, closure: $closure}}
            profiles:
              quick: {}
              paper: {simulate: {size: [8, 16, 32], runs: 50}}
            """
        let definition = try PipelineDefinition(yaml: yaml, source: "p.yaml")
        let quick = try PipelinePlan(definition, profile: "quick", root: URL(fileURLWithPath: "/r"))
        XCTAssertEqual(quick.steps.map(\.name), ["simulate-8", "simulate-16", "test", "upsample-8", "upsample-16",
                                                "closure-8", "closure-16", "encode-8", "encode-16"])
        XCTAssertEqual(quick.steps[0].arguments, ["version", "--runs=5", "--size=8", "--out=/r/simulate-8"])
        XCTAssertEqual(quick.steps[8].arguments, ["version", "--evolved=/r/upsample-16", "--closure=/r/closure-16", "--out=/r/encode-16"])
        XCTAssertEqual(quick.steps[6].upstream, ["upsample-16", "test"])
        let paper = try PipelinePlan(definition, profile: "paper", root: URL(fileURLWithPath: "/r"))
        XCTAssertEqual(paper.steps.filter { $0.name.hasPrefix("encode") }.map(\.name), ["encode-8", "encode-16", "encode-32"])
        XCTAssertEqual(paper.steps[2].arguments, ["version", "--runs=50", "--size=32", "--out=/r/simulate-32"])

        let twoSweeps = "pipeline: x\nstages:\n  - {name: a, run: version, matrix: {size: [1, 2]}}\n  - {name: b, run: version, matrix: {lambda: [1, 2]}}\n  - {name: c, run: version, with: {x: $a, y: $b}}"
        XCTAssertThrowsError(try PipelinePlan(try PipelineDefinition(yaml: twoSweeps, source: "p.yaml"), profile: "default", root: URL(fileURLWithPath: "/r"))) { error in
            XCTAssertTrue("\(error)".contains("stage 'c' reads stages swept by different matrices: 'a' (swept by a) and 'b' (swept by b)"), "\(error)")
        }
    }
}
