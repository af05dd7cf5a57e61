import Foundation
import Pipeline
import XCTest

/// `profiles: [paper]` on a stage: the stage exists only in those profiles, so a profile can add a
/// chain (the 524,288-atom one) that the others leave out.
final class StageProfilesTests: XCTestCase {
    let yaml = """
        pipeline: gated
        stages:
          - {name: simulate, run: version, matrix: {temperature: [2000, 3000]}}
          - {name: upsample, run: version, with: {input: $simulate}}
          - {name: upsample-64, run: version, profiles: [paper], with: {input: $simulate-2000, target-size: 64}}
          - {name: evaluate-64, run: evaluate, profiles: [paper], with: {model: $upsample-64}}
          - {name: unseen, run: version, profiles: [quick, paper], matrix: {temperature: [2250]}}
          - {name: summary, run: version, with: {runs: [$upsample]}}
        profiles:
          quick: {}
          sweep: {simulate: {temperature: [1000, 3000]}}
          paper: {upsample-64: {snapshots: 7}}
        """

    func plan(_ text: String, _ profile: String, settings: [String] = []) throws -> PipelinePlan {
        try PipelinePlan(try PipelineDefinition(yaml: text, source: "p.yaml"), profile: profile, root: URL(fileURLWithPath: "/r"),
                         settings: settings.map(OptionSetting.init))
    }

    func testAStageRunsOnlyInTheProfilesItNames() throws {
        XCTAssertEqual(try plan(yaml, "quick").steps.map(\.name),
                       ["simulate-2000", "simulate-3000", "upsample-2000", "upsample-3000", "unseen-2250", "summary-2000", "summary-3000"])
        XCTAssertEqual(try plan(yaml, "sweep").steps.map(\.name),
                       ["simulate-1000", "simulate-3000", "upsample-1000", "upsample-3000", "summary-1000", "summary-3000"])
        let paper = try plan(yaml, "paper")
        XCTAssertEqual(paper.steps.map(\.name), ["simulate-2000", "simulate-3000", "upsample-2000", "upsample-3000", "upsample-64", "evaluate-64",
                                                 "unseen-2250", "summary-2000", "summary-3000"])
        XCTAssertEqual(paper.steps.first { $0.name == "upsample-64" }?.arguments,
                       ["version", "--input=/r/simulate-2000", "--target-size=64", "--snapshots=7", "--out=/r/upsample-64"])
        XCTAssertEqual(try plan(yaml, "default").steps.count, 6, "the stages as written are those without profiles")
    }

    /// A stage that every profile runs may not read one that some leave out; nor may a profile
    /// or --set change a stage it leaves out.
    func testReadingOrSettingAStageAProfileLeavesOutIsRefused() throws {
        let reader = yaml.replacingOccurrences(of: "with: {runs: [$upsample]}", with: "with: {runs: [$upsample, $evaluate-64]}")
        XCTAssertNoThrow(try plan(reader, "paper"))
        XCTAssertThrowsError(try plan(reader, "quick")) { error in
            XCTAssertEqual("\(error)", "stage 'summary': '$evaluate-64' refers to stage 'evaluate-64', which runs only in profiles paper, not 'quick'")
        }
        XCTAssertThrowsError(try plan(yaml, "quick", settings: ["upsample-64.snapshots=3"])) { error in
            XCTAssertEqual("\(error)", "--set upsample-64.snapshots=3: stage 'upsample-64' runs only in profiles paper, not 'quick'")
        }
        XCTAssertNoThrow(try plan(yaml, "paper", settings: ["upsample-64.snapshots=3"]))
        // A copy that one profile's sweep does not make.
        let copy = yaml.replacingOccurrences(of: "profiles: [paper], with: {input: $simulate-2000", with: "with: {input: $simulate-2000")
            .replacingOccurrences(of: "paper: {upsample-64: {snapshots: 7}}", with: "paper: {}")
            .replacingOccurrences(of: "{name: evaluate-64, run: evaluate, profiles: [paper], with: {model: $upsample-64}}", with: "{name: evaluate-64, run: evaluate}")
        XCTAssertNoThrow(try plan(copy, "quick"))
        XCTAssertThrowsError(try plan(copy, "sweep")) { XCTAssertTrue("\($0)".contains("'$simulate-2000' refers to no stage 'simulate-2000'"), "\($0)") }
    }

    func testBadStageProfilesAreNamed() {
        XCTAssertEqual(pipelineError(yaml.replacingOccurrences(of: "paper: {upsample-64: {snapshots: 7}}", with: "paper: {}\n  tiny: {upsample-64: {snapshots: 1}}")),
                       "p.yaml: profile 'tiny' overrides stage 'upsample-64', which runs only in profiles paper")
        XCTAssertEqual(pipelineError(yaml.replacingOccurrences(of: "profiles: [quick, paper]", with: "profiles: [quick, papre]")),
                       "p.yaml: stage 'unseen' runs in profile 'papre', which the file does not define (profiles: paper, quick, sweep)")
        for bad in ["profiles: []", "profiles: paper", "profiles: {paper: 1}", "profiles: [[paper]]", "profiles: ['']"] {
            XCTAssertEqual(pipelineError(yaml.replacingOccurrences(of: "profiles: [quick, paper]", with: bad)),
                           "p.yaml: stage 5 ('unseen'): 'profiles' must list the profiles the stage runs in, e.g. [paper]", bad)
        }
        XCTAssertEqual(pipelineError("pipeline: x\nstages:\n  - {name: a, run: version, profiles: [paper]}"),
                       "p.yaml: stage 'a' runs in profile 'paper', which the file does not define (profiles: none)")
    }
}
