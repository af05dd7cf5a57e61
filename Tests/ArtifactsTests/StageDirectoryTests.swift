import Artifacts
import Foundation
import TestSupport
import XCTest

/// What a stage may do to its output directory (issue 14, findings 4 and 8): never write where it
/// reads, and clear away what an interrupted earlier run left.
final class StageDirectoryTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.remove() }

    /// A finished stage in `name` with one array, `a.npy`; returns its directory.
    func finishedStage(_ name: String) throws -> URL {
        let run = try StageRun(stage: "demo", directory: dir.file(name), config: nil, seed: nil, inputs: [], threads: 1)
        try run.write(NumPyArray([1.0, 2.0]), as: "a.npy")
        try run.finish()
        return dir.file(name)
    }

    /// `upsample --input D --out D` replaced D's manifest and exited 0: a stage whose directory is,
    /// or holds, one of its inputs is refused before anything changes, however the path is spelled.
    func testAStageCannotWriteWhereItReads() throws {
        let stage = try finishedStage("D")
        let input = stage.appendingPathComponent("a.npy")
        let manifest = try Data(contentsOf: stage.appendingPathComponent(StageManifest.fileName))
        try FileManager.default.createSymbolicLink(at: dir.file("link"), withDestinationURL: stage)
        try FileManager.default.createDirectory(at: dir.file("D/sub"), withIntermediateDirectories: true)
        let spellings = [stage, dir.file("D/."), dir.file("D/sub/.."), dir.file("link"), dir.url, dir.file("D/a.npy"), URL(fileURLWithPath: "/")]
        for out in spellings {
            XCTAssertThrowsError(try StageRun(stage: "x", directory: out, config: nil, seed: nil, inputs: [input], threads: 1), out.path) { error in
                XCTAssertTrue("\(error)".contains("holds the stage's input \(input.path): a stage cannot write where it reads"), "\(error)")
            }
        }
        XCTAssertEqual(try Data(contentsOf: stage.appendingPathComponent(StageManifest.fileName)), manifest, "the input stage is untouched")
        // Beside the input, or below its stage, is fine.
        try StageRun(stage: "x", directory: dir.file("E"), config: nil, seed: nil, inputs: [input], threads: 1).finish()
        try StageRun(stage: "x", directory: dir.file("D/sub"), config: nil, seed: nil, inputs: [input], threads: 1).finish()
    }

    /// Temporary files a killed write left (`.NAME.tmp-PID-RANDOM`) stayed forever; the stage's
    /// next run removes them from its directory and its report folder, and nothing else.
    func testAStageRunRemovesWhatInterruptedWritesLeft() throws {
        let stage = try finishedStage("S")
        let manager = FileManager.default
        try manager.createDirectory(at: stage.appendingPathComponent("report"), withIntermediateDirectories: true)
        try manager.createDirectory(at: stage.appendingPathComponent("nested"), withIntermediateDirectories: true)
        let leftovers = [".a.npy.tmp-999-1", "report/.index.html.tmp-12-345678"]
        let kept = [".a.npy.tmp-x-1", ".tmp-1-2", "a.npy.tmp-1-2", ".notes", "nested/\(StageManifest.fileName)", "nested/.b.npy.tmp-1-2"]
        for name in leftovers + kept { try Data("x".utf8).write(to: stage.appendingPathComponent(name)) }
        try StageRun(stage: "demo", directory: stage, config: nil, seed: nil, inputs: [], threads: 1).finish()
        for name in leftovers { XCTAssertFalse(manager.fileExists(atPath: stage.appendingPathComponent(name).path), name) }
        for name in kept { XCTAssertTrue(manager.fileExists(atPath: stage.appendingPathComponent(name).path), name) }
    }
}
