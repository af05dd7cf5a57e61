import Artifacts
import Foundation
import TestSupport
import XCTest

/// Checksums, atomic writes and stage manifests.
final class ManifestTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.remove() }

    func testSHA256MatchesHashlibAcrossBlockBoundaries() throws {
        let lengths = [0, 1, 55, 56, 63, 64, 65, 119, 1000, 3 << 20]
        var ours: [String] = []
        for length in lengths {
            let data = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
            try data.write(to: dir.file("b\(length)"))
            ours.append(try SHA256.hex(fileAt: dir.file("b\(length)")))
            XCTAssertEqual(SHA256.hex(data), ours.last)
        }
        let theirs = try Python.run("""
            import hashlib, sys
            for path in sys.argv[1:]:
                print(hashlib.sha256(open(path, 'rb').read()).hexdigest())
            """, lengths.map { dir.file("b\($0)").path })
        XCTAssertEqual(ours, theirs.split(separator: "\n").map(String.init))
        XCTAssertEqual(SHA256.hex(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testAtomicWriteLeavesNothingBehindWhenInterrupted() throws {
        struct Interrupted: Error {}
        let target = dir.file("artifact.npy")
        XCTAssertThrowsError(try AtomicFile.write(to: target) { sink in
            try sink.write(Data(repeating: 1, count: 5000))
            throw Interrupted()
        })
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path), [])

        try AtomicFile.write(Data("first".utf8), to: target)
        XCTAssertThrowsError(try AtomicFile.write(to: target) { _ in throw Interrupted() })
        XCTAssertEqual(try Data(contentsOf: target), Data("first".utf8), "a failed rewrite keeps the old complete file")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path), ["artifact.npy"])
    }

    func testStageRunWritesManifestLastWithChecksumsAndShapes() throws {
        let stageDir = dir.file("simulate")
        let input = dir.file("input.npy")
        try NPYFile.write(NumPyArray([1.0, 2.0]), to: input)
        let run = try StageRun(stage: "simulate", directory: stageDir, config: ["system": "ising", "L": 16],
                               seed: 42, inputs: [input], threads: 2)
        try run.write(try NumPyArray([Int8](repeating: 1, count: 32), shape: [2, 16]), as: "states.npy")
        try run.write(NPZArchive([("m", NumPyArray([0.5, 0.25])), ("t", NumPyArray([Float(1)]))]), as: "observables.npz")
        XCTAssertFalse(FileManager.default.fileExists(atPath: stageDir.appendingPathComponent("manifest.json").path),
                       "no manifest before finish()")
        let manifest = try run.finish()

        let reread = try StageManifest.read(from: stageDir)
        XCTAssertEqual(reread, manifest)
        XCTAssertEqual(reread.stage, "simulate")
        XCTAssertEqual(reread.seed, 42)
        XCTAssertEqual(reread.threads, 2)
        XCTAssertEqual(reread.config, ["L": 16, "system": "ising"])
        XCTAssertEqual(reread.inputs.map(\.path), ["../input.npy"], "relative to the stage directory")
        XCTAssertEqual(reread.outputs.map(\.path), ["states.npy", "observables.npz"])
        XCTAssertEqual(reread.outputs[0].arrays, [StageManifest.ArrayRecord(name: "states", dtype: "|i1", shape: [2, 16])])
        XCTAssertEqual(reread.outputs[1].arrays.map(\.name), ["m", "t"])
        XCTAssertEqual(reread.outputs[1].arrays.map(\.shape), [[2], [1]])
        XCTAssertGreaterThanOrEqual(reread.wallSeconds, 0)
        XCTAssertFalse(reread.toolVersion.isEmpty)

        // Checksums agree with an independent implementation.
        let hashes = try Python.run("""
            import hashlib, json, sys, os
            m = json.load(open(os.path.join(sys.argv[1], 'manifest.json')))
            for o in m['outputs']:
                print(hashlib.sha256(open(os.path.join(sys.argv[1], o['path']), 'rb').read()).hexdigest() == o['sha256'])
            print(hashlib.sha256(open(os.path.join(sys.argv[1], m['inputs'][0]['path']), 'rb').read()).hexdigest() == m['inputs'][0]['sha256'])
            """, [stageDir.path])
        XCTAssertEqual(hashes, "True\nTrue\nTrue\n")

        XCTAssertEqual(manifest.changedOutputs(in: stageDir), [])
        try NPYFile.write(NumPyArray([Int8(0)]), to: stageDir.appendingPathComponent("states.npy"))
        XCTAssertEqual(manifest.changedOutputs(in: stageDir), ["states.npy"])
    }

    func testRestartingAStageRemovesTheOldManifest() throws {
        let stageDir = dir.file("stage")
        try StageRun(stage: "a", directory: stageDir, config: nil, seed: nil, inputs: [], threads: 1).finish()
        XCTAssertNoThrow(try StageManifest.read(from: stageDir))
        _ = try StageRun(stage: "a", directory: stageDir, config: nil, seed: nil, inputs: [], threads: 1)
        XCTAssertThrowsError(try StageManifest.read(from: stageDir), "an unfinished rerun must not look complete")
    }

    /// A rerun removes the outputs the earlier manifest lists (a failing rerun leaves none of
    /// them to be read as outside files), and nothing a manifest names outside the directory.
    func testRestartingAStageRemovesTheOldOutputsAndNothingOutside() throws {
        let stageDir = dir.file("stage")
        let run = try StageRun(stage: "a", directory: stageDir, config: nil, seed: nil, inputs: [], threads: 1)
        try run.write(NumPyArray([1.0, 2.0]), as: "values.npy")
        try run.writeText("page", as: "report/index.html")
        try run.finish()
        let outside = dir.file("outside.txt")
        try Data("keep".utf8).write(to: outside)
        // A hostile manifest also names the file outside and the directory itself.
        var manifest = try StageManifest.read(from: stageDir)
        manifest.outputs += [.init(path: "../outside.txt", sha256: "0", bytes: 0, arrays: []), .init(path: outside.path, sha256: "0", bytes: 0, arrays: []),
                             .init(path: "report", sha256: "0", bytes: 0, arrays: [])]
        try manifest.encoded().write(to: stageDir.appendingPathComponent(StageManifest.fileName))
        _ = try StageRun(stage: "a", directory: stageDir, config: nil, seed: nil, inputs: [], threads: 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stageDir.appendingPathComponent("values.npy").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: stageDir.appendingPathComponent("report/index.html").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: outside.path), "outside the stage directory")
        XCTAssertTrue(FileManager.default.fileExists(atPath: stageDir.appendingPathComponent("report").path), "directories stay")
    }

    /// Each stage records its own peak resident memory: one that touches 256 MB records at least
    /// that, and the next one, which allocates nothing, records no more than what is resident when
    /// it ends (the mark was reset when it started; whether the allocator gave the 256 MB back to
    /// the kernel in between is its own business, so the bound is the resident set, not a number).
    func testStagesRecordTheirOwnPeakResidentMemory() throws {
        guard PeakMemory.peakResidentBytes() != nil else { throw XCTSkip("no /proc/self/status here") }
        func resident() throws -> Int {
            let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
            let line = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
            return try XCTUnwrap(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])) * 1024
        }
        let big = try StageRun(stage: "big", directory: dir.file("big"), config: nil, seed: nil, inputs: [], threads: 1)
        do {
            var block = [UInt8](repeating: 0, count: 256 << 20)
            for i in stride(from: 0, to: block.count, by: 4096) { block[i] = UInt8(truncatingIfNeeded: i >> 12) }
            XCTAssertEqual(block[4096], 1)
        }
        let bigPeak = try XCTUnwrap(try big.finish().peakResidentBytes)
        let small = try StageRun(stage: "small", directory: dir.file("small"), config: nil, seed: nil, inputs: [], threads: 1)
        let smallPeak = try XCTUnwrap(try small.finish().peakResidentBytes)
        let residentAfter = try resident()
        XCTAssertGreaterThanOrEqual(bigPeak, 256 << 20)
        XCTAssertLessThanOrEqual(smallPeak, residentAfter + (32 << 20), "the second stage's mark starts afresh")
        XCTAssertEqual(try StageManifest.read(from: dir.file("small")).peakResidentBytes, smallPeak)
    }
}
