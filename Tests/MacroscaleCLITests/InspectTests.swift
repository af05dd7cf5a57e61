import ArgumentParser
import Artifacts
import Foundation
@testable import MacroscaleCLI
import TestSupport
import XCTest

final class InspectTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.remove() }

    func testInspectNumPyWrittenNPZShowsShapesAndStatistics() throws {
        try Python.run("""
            import numpy as np, sys
            np.savez(sys.argv[1], fields=np.array([[1.5, -2.0, np.nan], [4.0, 0.5, 3.0]]), spins=np.array([1, -1, 1, 1], dtype=np.int8))
            """, [dir.file("data.npz").path])
        let report = try ArtifactReport.describe(dir.file("data.npz")).text
        XCTAssertTrue(report.contains("2 arrays"), report)
        XCTAssertTrue(report.contains("fields  float64 (2, 3) min -2 max 4 mean 1.4 nan 1"), report)
        XCTAssertTrue(report.contains("spins   int8 (4,) min -1 max 1 mean 0.5 nan 0"), report)
    }

    func testInspectStageDirectoryChecksOutputs() throws {
        let stage = dir.file("stage")
        let run = try StageRun(stage: "demo", directory: stage, config: ["n": 3], seed: 9, inputs: [], threads: 1)
        try run.write(NumPyArray([1.0, 2.0, 3.0]), as: "x.npy")
        try run.finish()
        var report = try ArtifactReport.describe(stage)
        XCTAssertTrue(report.intact)
        XCTAssertTrue(report.text.contains("stage demo"), report.text)
        XCTAssertTrue(report.text.contains("x.npy checksum ok"), report.text)
        XCTAssertTrue(report.text.contains("float64 (3,) min 1 max 3 mean 2"), report.text)

        try NPYFile.write(NumPyArray([9.0]), to: stage.appendingPathComponent("x.npy"))
        report = try ArtifactReport.describe(stage)
        XCTAssertFalse(report.intact)
        XCTAssertTrue(report.text.contains("MISSING OR CHANGED"), report.text)
    }

    /// Checkpoints are safetensors files: inspect describes their tensors and metadata (finding 9).
    func testInspectDescribesSafetensorsCheckpoints() throws {
        try SafeTensors.write([.init("weight", try NumPyArray([Float(1), -3, 2, 4], shape: [2, 2])), .init("bias", NumPyArray([0.5]))],
                              metadata: ["kind": "demo"], to: dir.file("model.safetensors"))
        let report = try ArtifactReport.describe(dir.file("model.safetensors")).text
        XCTAssertTrue(report.contains("model.safetensors: 2 tensors"), report)
        XCTAssertTrue(report.contains("metadata kind = demo"), report)
        XCTAssertTrue(report.contains("weight  float32 (2, 2) min -3 max 4 mean 1 nan 0"), report)
        XCTAssertTrue(report.contains("bias    float64 (1,) min 0.5 max 0.5 mean 0.5 nan 0"), report)
    }

    func testInspectRejectsOtherFilesClearly() throws {
        try Data("hello".utf8).write(to: dir.file("notes.txt"))
        XCTAssertThrowsError(try ArtifactReport.describe(dir.file("notes.txt"))) { error in
            XCTAssertTrue("\(error)".contains("not an array artifact"))
        }
        XCTAssertThrowsError(try ArtifactReport.describe(dir.file("missing.npy"))) { error in
            XCTAssertTrue("\(error)".contains("no such file"))
        }
    }

    func testCommandLineParsing() throws {
        let command = try Macroscale.parseAsRoot(["inspect", "some.npz"])
        XCTAssertEqual((command as? Inspect)?.path, "some.npz")
        XCTAssertThrowsError(try Macroscale.parseAsRoot(["inspect"]))
        XCTAssertTrue(Macroscale.helpMessage(for: Inspect.self).contains("stage directory"))
    }

    func testVersionReportNamesLibraries() {
        let report = Version.report()
        XCTAssertTrue(report.contains("FFTW:     fftw-3"), report)
        XCTAssertTrue(report.contains("philox4x32-10"), report)
        XCTAssertTrue(report.contains("openblas"), report)
    }
}
