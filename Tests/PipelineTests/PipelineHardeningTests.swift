import Foundation
import Pipeline
import XCTest

/// Hostile pipeline files (issue 14, findings 4 and 6): names that would leave the run root, a
/// stage that runs a pipeline, nesting deep enough to overflow the parser's stack, duplicate keys.
final class PipelineHardeningTests: XCTestCase {
    func stage(named name: String) -> String {
        "pipeline: x\nstages:\n  - {name: '\(name)', run: simulate ising}"
    }

    /// A stage named `../../x` wrote outside the run root; every name that is not one plain
    /// directory name is refused, and so are matrix values that would make one.
    func testNamesThatWouldLeaveTheRunRootAreRefused() throws {
        XCTAssertTrue(pipelineError(stage(named: "")).contains("missing 'name'"))
        for name in ["../../x", "a/b", ".", "..", ".pipeline", "-x", "a b", "/abs", "a\\b", String(repeating: "a", count: 256)] {
            XCTAssertTrue(pipelineError(stage(named: name)).contains("the stage name '\(name)' cannot name a directory"), name)
        }
        for name in ["simulate", "test-m0.25", "test-m-0.5", "sde_2", "x+y,z", String(repeating: "a", count: 255)] {
            XCTAssertEqual(pipelineError(stage(named: name)), "parsed", name)
        }
        XCTAssertTrue(pipelineError("pipeline: ../x\nstages:\n  - {name: a, run: version}").contains("the pipeline name '../x' cannot name a directory"))
        XCTAssertTrue(pipelineError("pipeline: x\nstages:\n  - {name: a, run: version}\nprofiles:\n  ../up: {}").contains("the profile name '../up' cannot name a directory"))

        let swept = try PipelineDefinition(yaml: "pipeline: x\nstages:\n  - {name: sde, run: version, matrix: {seed: [1, ../../x]}}", source: "p.yaml")
        XCTAssertThrowsError(try PipelinePlan(swept, profile: "default", root: URL(fileURLWithPath: "/r"))) { error in
            XCTAssertTrue("\(error)".contains("stage 'sde': the copy for ../../x, named 'sde-../../x' cannot name a directory"), "\(error)")
        }
    }

    /// `run: run self.yaml` recursed until the stack overflowed.
    func testAStageCannotRunAPipeline() {
        XCTAssertTrue(pipelineError("pipeline: x\nstages:\n  - {name: again, run: run self.yaml}")
            .contains("stage 1 ('again'): 'run: run self.yaml' would run a pipeline inside a pipeline"))
        XCTAssertTrue(pipelineError("pipeline: x\nstages:\n  - {name: blank, run: '  '}").contains("missing 'run: COMMAND'"))
    }

    /// A 100,000-deep list overflowed the stack inside the YAML parser; deep nesting of every kind
    /// is refused before parsing, naming the line, including nesting hidden behind text that a
    /// careless scan would take for a quote or a comment.
    func testDeeplyNestedFilesAreRefusedBeforeParsing() {
        let deep = 100_000
        let header = "pipeline: x\nstages:\n"
        let files = [
            header + "  - " + String(repeating: "- ", count: deep) + "x",
            header + "  - " + String(repeating: "[", count: deep) + String(repeating: "]", count: deep),
            header + "  - {name: a, run: version, with: " + String(repeating: "{a: ", count: deep) + "1" + String(repeating: "}", count: deep) + "}",
            header + (1...200).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n"),
            // Closing brackets inside a quoted scalar, a comment and a verbatim tag close nothing.
            header + "  - [\"" + String(repeating: "]", count: 300) + "\", " + String(repeating: "[", count: 200) + "]",
            header + "  - " + String(repeating: "[[[#]]]\n    ", count: 60),
            header + "  - [ !<x" + String(repeating: "]", count: 300) + "> " + String(repeating: "[", count: 200) + "]",
            // A quote that does open a scalar spanning lines, closed at a line's start.
            header + "  - [ 'a\n" + "' , " + String(repeating: "[", count: 200) + "]",
        ]
        for (index, file) in files.enumerated() {
            XCTAssertTrue(pipelineError(file).contains("nests or indents too deeply: a pipeline file may nest at most 128 levels"), "file \(index): \(pipelineError(file).prefix(200))")
        }
        XCTAssertTrue(pipelineError(header + "\n\n  - " + String(repeating: "[", count: deep)).contains("p.yaml: line 5 nests"))
    }

    /// Ordinary files, with comments, quotes, block text and apostrophes, stay far below the limit.
    func testOrdinaryFilesAreNotMistakenForDeepOnes() throws {
        let pipelines = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Pipelines")
        let shipped = try FileManager.default.contentsOfDirectory(atPath: pipelines.path).filter { $0.hasSuffix(".yaml") }
        XCTAssertFalse(shipped.isEmpty)
        for name in shipped {
            XCTAssertNoThrow(try PipelineDefinition(contentsOf: pipelines.appendingPathComponent(name)), name)
        }
        XCTAssertEqual(pipelineError("""
            pipeline: x   # it's [not] closed: ]]]]
            description: >
              Unbalanced [ brackets [ in text, "quotes' and it's apostrophes [[[[
              --------------------------------------------------------------------
            stages:
              - {name: a, run: version, with: {label: "a ]] b", other: 'it''s [', list: [1, 2]}}
            """), "parsed")
    }

    /// A key given twice was accepted, one of the two values silently dropped.
    func testDuplicateKeysAreRefused() {
        XCTAssertTrue(pipelineError("pipeline: x\npipeline: y\nstages:\n  - {name: a, run: version}").contains("the top level: the key 'pipeline' is given twice (again at line 2)"))
        XCTAssertTrue(pipelineError("pipeline: x\nstages:\n  - {name: a, name: b, run: version}").contains("stage 1: the key 'name' is given twice"))
        XCTAssertTrue(pipelineError("pipeline: x\nstages:\n  - {name: a, run: version, with: {size: 4, size: 8}}").contains("'with': the key 'size' is given twice"))
        XCTAssertTrue(pipelineError("pipeline: x\nstages:\n  - {name: a, run: version}\nprofiles:\n  quick: {}\n  quick: {a: {x: 1}}").contains("'profiles': the key 'quick' is given twice"))
        XCTAssertTrue(pipelineError("pipeline: x\nstages:\n  - {name: a, run: version}\nprofiles:\n  quick: {a: {x: 1, x: 2}}").contains("the key 'x' is given twice"))
    }

    /// Without `--profile`, a file without profiles runs its stages as written; one with profiles
    /// takes `quick`, or says which it has.
    func testTheProfileARunTakesByDefault() throws {
        let bare = try PipelineDefinition(yaml: "pipeline: x\nstages:\n  - {name: a, run: version}", source: "p.yaml")
        XCTAssertEqual(try bare.profile(nil), "default")
        XCTAssertEqual(try bare.profile("paper"), "paper")
        XCTAssertThrowsError(try PipelinePlan(bare, profile: "quick", root: URL(fileURLWithPath: "/r"))) { error in
            XCTAssertEqual("\(error)", "pipeline 'x' defines no profiles, so not 'quick': run it without --profile (its stages as written)")
        }
        let quick = try PipelineDefinition(yaml: "pipeline: x\nstages:\n  - {name: a, run: version}\nprofiles:\n  quick: {}\n  paper: {}", source: "p.yaml")
        XCTAssertEqual(try quick.profile(nil), "quick")
        let other = try PipelineDefinition(yaml: "pipeline: x\nstages:\n  - {name: a, run: version}\nprofiles:\n  paper: {}", source: "p.yaml")
        XCTAssertThrowsError(try other.profile(nil)) { error in
            XCTAssertTrue("\(error)".contains("has no profile 'quick', the default: choose one with --profile (profiles: paper, or default"), "\(error)")
        }
    }

    /// Stage names may hold dots (`test-m0.25`); `--set` takes the option after the last one.
    func testSetAddressesStagesWhoseNamesHaveDots() throws {
        let setting = try OptionSetting("test-m0.25.seed=3")
        XCTAssertEqual(setting.stage, "test-m0.25")
        XCTAssertEqual(setting.option, "seed")
    }
}
