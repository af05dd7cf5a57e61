import Artifacts
import Foundation
import TestSupport
import XCTest

/// What a stage may do to its output directory (issue 14, findings 4 and 8): never write where it
/// reads, and clear away what an interrupted earlier run left; and what the readers and stages may
/// ask of memory.
final class StageDirectoryTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() {
        unsetenv("MACROSCALE_MEMORY_LIMIT")
        dir.remove()
    }

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

    /// A header declaring 410 TB is refused by its data length, never allocated.
    func testAHeaderDeclaringTerabytesIsRefusedWithoutAllocating() throws {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (10250000, 10000000), }"
        var file = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count + 1), 0])
        file.append(Data(header.utf8) + Data("\n".utf8) + Data(count: 16))
        try file.write(to: dir.file("huge.npy"))
        XCTAssertThrowsError(try NPYFile.read(dir.file("huge.npy"))) { error in
            XCTAssertEqual("\(error)", "\(dir.file("huge.npy").path): truncated: shape (10250000, 10000000) of float32 needs 410000000000000 data bytes but only 16 follow the header")
        }
    }

    /// Copying an array out of a file is refused when it would exceed the memory there is.
    func testCopiesBeyondTheMemoryLimitAreRefused() throws {
        let array = NumPyArray([Double](repeating: 1, count: 1 << 18))  // 2 MiB
        XCTAssertEqual(try array.elements(as: Double.self).count, 1 << 18)
        setenv("MACROSCALE_MEMORY_LIMIT", "1M", 1)
        XCTAssertThrowsError(try array.elements(as: Double.self)) { error in
            XCTAssertEqual("\(error)", "a copy of an array of shape (262144,) of float64 needs 2.1 MB of memory, more than the 1.0 MB of MACROSCALE_MEMORY_LIMIT=1M; ask for less, or set MACROSCALE_MEMORY_LIMIT (e.g. 64G) to allow more")
        }
        XCTAssertEqual(array.doubleValues().count, 1 << 18, "a conversion the caller asked for is not refused")
    }

    func testMemoryBudgetReadsItsLimitAndRefusesBeyondIt() throws {
        XCTAssertEqual(MemoryBudget.bytes(3, 4, 8), 96)
        XCTAssertEqual(MemoryBudget.bytes(1 << 40, 1 << 40), .max, "overflow saturates")
        XCTAssertEqual(MemoryBudget.describe(410_000_000_000_000), "410.0 TB")
        XCTAssertEqual(MemoryBudget.describe(512), "512 bytes")
        let (available, source) = try MemoryBudget.limit()
        XCTAssertGreaterThan(available, 1 << 26)
        XCTAssertTrue(source.contains("memory"), source)
        try MemoryBudget.check(1 << 20, for: "a megabyte")
        XCTAssertThrowsError(try MemoryBudget.check(.max, for: "everything"))
        for (text, bytes) in [("64G", 64 << 30), ("512m", 512 << 20), ("1000", 1000), (" 2K ", 2048), ("1.5T", 3 << 39)] {
            setenv("MACROSCALE_MEMORY_LIMIT", text, 1)
            XCTAssertEqual(try MemoryBudget.limit().bytes, bytes, text)
        }
        setenv("MACROSCALE_MEMORY_LIMIT", "2M", 1)
        try MemoryBudget.check(2 << 20, for: "two megabytes")
        XCTAssertThrowsError(try MemoryBudget.check((2 << 20) + 1, for: "the states")) { error in
            XCTAssertTrue("\(error)".hasPrefix("the states needs 2.1 MB of memory, more than the 2.1 MB of MACROSCALE_MEMORY_LIMIT=2M"), "\(error)")
        }
        try MemoryBudget.check(MemoryBudget.negligible - 1, for: "a small request, never checked")
        for text in ["lots", "-1G", "nan", "1e400", "G"] {
            setenv("MACROSCALE_MEMORY_LIMIT", text, 1)
            XCTAssertThrowsError(try MemoryBudget.limit(), text) { error in
                XCTAssertTrue("\(error)".contains("MACROSCALE_MEMORY_LIMIT=\(text) is not a number of bytes"), "\(error)")
            }
        }
    }
}
