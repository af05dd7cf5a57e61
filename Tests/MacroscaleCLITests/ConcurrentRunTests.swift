import Artifacts
import Foundation
@testable import MacroscaleCLI
import TestSupport
import XCTest

/// Issue 14, finding 8: two `macroscale run` into one root both exited 0, the loser's outputs
/// replaced. A run holds its root, and a stage its directory, and a second process is refused.
final class ConcurrentRunTests: CommandTestCase {
    /// Two real processes: the first is stopped (SIGSTOP) while it holds the run root and is inside
    /// its stage, so the second meets both locks however fast the machine is.
    func testASecondProcessIsRefusedTheRootAndTheStageTheFirstIsWriting() throws {
        try "pipeline: slow\nstages:\n  - {name: s, run: simulate curie-weiss, with: {size: 16, runs: 50, steps: 50}}\n"
            .write(to: dir.file("slow.yaml"), atomically: true, encoding: .utf8)
        let root = path("root"), stage = path("root/s")
        let first = try launch(["run", path("slow.yaml"), "--out", root, "--quiet"])
        let pid = first.process.processIdentifier
        /// Whether the first process holds `directory`'s lock: its lock file names the holder once taken.
        func held(_ directory: String) -> Bool {
            (try? String(contentsOfFile: directory + "/" + DirectoryLock.fileName, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) == String(pid)
        }
        let started = Date()
        while !(held(root) && held(stage)) && first.process.isRunning && Date().timeIntervalSince(started) < 60 { usleep(500) }
        guard first.process.isRunning else { return XCTFail("the first run ended before it could be stopped inside its stage") }
        kill(pid, SIGSTOP)
        XCTAssertTrue(held(root) && held(stage), "stopped inside its stage")

        let second = try runExecutable(["run", path("slow.yaml"), "--out", root, "--quiet"])
        XCTAssertNotEqual(second.status, 0)
        XCTAssertTrue(second.errors.contains("\(root): another macroscale process (pid \(pid)) is writing this pipeline run here"), second.errors)
        let third = try runExecutable(["simulate", "curie-weiss", "--size", "4", "--runs", "1", "--steps", "1", "--out", stage, "--quiet"])
        XCTAssertNotEqual(third.status, 0)
        XCTAssertTrue(third.errors.contains("\(stage): another macroscale process (pid \(pid)) is writing this stage here"), third.errors)

        kill(pid, SIGCONT)
        _ = first.errors.fileHandleForReading.readDataToEndOfFile()
        first.process.waitUntilExit()
        XCTAssertEqual(first.process.terminationStatus, 0, "the first run finished undisturbed")
        let manifest = try StageManifest.read(from: dir.file("root/s"))
        XCTAssertTrue(manifest.changedOutputs(in: dir.file("root/s")).isEmpty)
        guard case .object(let config) = manifest.config else { return XCTFail("no config") }
        XCTAssertEqual(config["runs"], .number(50), "the first run's outputs, not the refused ones'")
        // Once it has finished, the root is free again.
        try runMacroscale(["run", path("slow.yaml"), "--out", root])
    }
}
