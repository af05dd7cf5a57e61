import Artifacts
import Foundation
@testable import MacroscaleCLI
import TestSupport
import XCTest

/// Issue 14, finding 4: a stage's `--out` is never one of its inputs or what holds them, never
/// empty (the current directory), and a directory that cannot be written is named as such.
final class OutputDirectoryTests: CommandTestCase {
    let tinySimulation = ["simulate", "curie-weiss", "--size", "4", "--runs", "2", "--steps", "2"]

    /// `upsample --input D --out D` exited 0 and replaced D's manifest.
    func testAStageCannotWriteOverWhatItReads() throws {
        try runMacroscale(tinySimulation + ["--out", path("D")])
        let manifest = try Data(contentsOf: dir.file("D/manifest.json"))
        for out in [path("D"), path("D/."), path("D/../D"), dir.url.path] {
            XCTAssertTrue(refusal(["upsample", "--input", path("D"), "--target-size", "8", "--snapshots", "2", "--window", "4", "--stride", "4", "--out", out])
                .contains("holds the stage's input \(path("D/trajectories.npz")): a stage cannot write where it reads"), out)
        }
        try runMacroscale(["upsample", "--input", path("D"), "--target-size", "8", "--snapshots", "2", "--window", "4", "--stride", "4", "--out", path("U")])
        XCTAssertTrue(refusal(["evolve", "--input", path("U"), "--out", path("U")]).contains("holds the stage's input"))
        XCTAssertEqual(try Data(contentsOf: dir.file("D/manifest.json")), manifest, "the input stage is untouched")
        XCTAssertTrue(try StageManifest.read(from: dir.file("U")).changedOutputs(in: dir.file("U")).isEmpty)
    }

    /// `--out ""` wrote the stage into the current directory.
    func testAnEmptyOutIsRefused() throws {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir.url.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        XCTAssertTrue(refusal(tinySimulation + ["--out", ""]).contains("--out must name a directory, got an empty path"))
        for command in [["encode", "--evolved", "e"], ["encode-trajectories", "--input", "s"]] {
            XCTAssertTrue(refusal(command + ["--out", ""]).contains("--out must name a directory, got an empty path"), command[0])
        }
        try "pipeline: p\nstages:\n  - {name: s, run: simulate curie-weiss, with: {size: 4, runs: 2, steps: 1}}\n".write(to: dir.file("p.yaml"), atomically: true, encoding: .utf8)
        XCTAssertTrue(refusal(["run", path("p.yaml"), "--out", ""]).contains("--out must name a directory, got an empty path"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path), ["p.yaml"], "nothing was written here")
    }

    /// An output directory the user cannot write printed Foundation's NSCocoaErrorDomain text
    /// (finding 9); it is named before anything changes. Root writes anywhere, so as root the
    /// command runs as the user nobody.
    func testAnOutThatCannotBeWrittenIsNamed() throws {
        let out = path("readonly")
        try runMacroscale(tinySimulation + ["--out", out])
        let manifest = try Data(contentsOf: dir.file("readonly/manifest.json"))
        let asNobody = getuid() == 0
        if !asNobody { try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: out) }
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: out) }
        let result = try runExecutable(tinySimulation + ["--out", out, "--quiet"], asNobody: asNobody)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.errors.contains("\(out): is a directory this user cannot write to"), result.errors)
        XCTAssertEqual(try Data(contentsOf: dir.file("readonly/manifest.json")), manifest)
    }
}
