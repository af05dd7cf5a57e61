import Artifacts
import Foundation
@testable import MacroscaleCLI
import TestSupport
import XCTest

/// Issue 14, findings 4 and 6, through `macroscale run`: pipelines that recursed until SIGSEGV,
/// overflowed the parser's stack, trapped in the size check, wrote outside their root or did not
/// run without `profiles:` — each refused before anything is written, or run.
final class HostilePipelineRunTests: CommandTestCase {
    let simulate = "  - {name: s, run: simulate curie-weiss, with: {size: 4, runs: 2, steps: 1}}\n"

    /// Writes `yaml` as a pipeline file and returns its path.
    func pipeline(_ yaml: String, _ name: String = "p.yaml") throws -> String {
        try yaml.write(to: dir.file(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    func testHostilePipelinesAreRefusedBeforeAnythingRuns() throws {
        let recursive = try pipeline("pipeline: self\nstages:\n  - {name: again, run: run \(path("self.yaml"))}\n", "self.yaml")
        XCTAssertTrue(refusal(["run", recursive, "--out", path("out")]).contains("'run: run \(recursive)' would run a pipeline inside a pipeline"))

        let deep = try pipeline("pipeline: deep\nstages:\n  - " + String(repeating: "- ", count: 100_000) + "x\n")
        XCTAssertTrue(refusal(["run", deep, "--out", path("out")]).contains("\(deep): line 3 nests or indents too deeply"))

        let absurd = try pipeline("pipeline: big\nstages:\n" + simulate + "  - {name: up, run: upsample, with: {input: $s, target-size: \(Int.max)}}\n")
        XCTAssertTrue(refusal(["run", absurd, "--out", path("out")]).contains("stage 'up': target size \(Int.max) is not the input size 4 times a power of 2"))

        let escaping = try pipeline("pipeline: esc\nstages:\n  - {name: ../escaped, run: simulate curie-weiss, with: {size: 4, runs: 2, steps: 1}}\n")
        XCTAssertTrue(refusal(["run", escaping, "--out", path("out")]).contains("the stage name '../escaped' cannot name a directory"))

        let twice = try pipeline("pipeline: twice\nstages:\n  - {name: s, run: simulate curie-weiss, with: {size: 4, size: 8, runs: 2, steps: 1}}\n")
        XCTAssertTrue(refusal(["run", twice, "--out", path("out")]).contains("'with': the key 'size' is given twice"))

        for name in ["out", "escaped"] { XCTAssertFalse(FileManager.default.fileExists(atPath: path(name)), name) }
    }

    /// A pipeline without `profiles:` failed under the default `--profile quick`; it runs its
    /// stages as written, and an explicit profile it does not define is named.
    func testAPipelineWithoutProfilesRunsAsWritten() throws {
        let file = try pipeline("pipeline: bare\nstages:\n" + simulate)
        XCTAssertTrue(refusal(["run", file, "--out", path("out"), "--profile", "quick"])
            .contains("pipeline 'bare' defines no profiles, so not 'quick': run it without --profile"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("out")))
        try runMacroscale(["run", file, "--out", path("out")])
        XCTAssertTrue(try StageManifest.read(from: dir.file("out/s")).changedOutputs(in: dir.file("out/s")).isEmpty)
    }
}
