import Artifacts
import Foundation
@testable import MacroscaleCLI
import TestSupport
import XCTest

/// `macroscale` under `mpirun --oversubscribe -np 3` (Docs/DISTRIBUTED.md): the sharded stages
/// write the bytes one process writes, and a rank that fails stops the job with its message.
/// Skipped where Open MPI's `mpirun` is not installed (scripts/setup-system installs it).
final class DistributedRunTests: CommandTestCase {
    /// Every sharded stage — simulate (small system and large with pairs), evolve (Richardson, 2
    /// replicas: 1200 patches, shared unevenly), check-estimator, encode with a closure model
    /// (evaluated in chunks of 256, shared in whole chunks) — between the non-sharded ones.
    let pipeline = """
        pipeline: mpi-shards
        stages:
          - {name: simulate, run: simulate ising, with: {size: 8, runs: 20, steps: 20, seed: 1}}
          - {name: validation, run: simulate ising, with: {size: 16, runs: 4, steps: 10, pairs: true, seed: 2}}
          - {name: upsample, run: upsample, with: {input: $simulate, burn-in: 5, target-size: 16, snapshots: 600, boundary: frozen-halo, relax-time: 2, seed: 5}}
          - {name: evolve, run: evolve, with: {input: $upsample, boundary: frozen-halo, estimator: richardson, time: 1, replicas: 2, seed: 6}}
          - {name: check, run: check-estimator, with: {evolved: $evolve, samples: 100, allow-bias: true, seed: 7}}
          - {name: closure, run: train-closure, with: {input: $upsample, epochs: 1, batch-size: 256, seed: 8}}
          - {name: encode, run: encode, with: {evolved: $evolve, validation: $validation, closure: $closure}}
        """

    func testShardedStagesUnderMPIRunWriteTheBytesOfOneProcess() throws {
        let file = dir.file("shards.yaml")
        try pipeline.write(to: file, atomically: true, encoding: .utf8)
        try runMacroscale(["run", file.path, "--out", path("alone")])
        let run = try mpirun(["run", file.path, "--out", path("ranks"), "--quiet"], ranks: 3)
        XCTAssertEqual(run.status, 0, run.errors)

        let alone = try outputDigests(path("alone")), ranks = try outputDigests(path("ranks"))
        XCTAssertEqual(alone.count, 12, "every output of the seven stages: \(alone.keys.sorted())")
        XCTAssertEqual(ranks, alone)
        for stage in ["simulate", "validation", "evolve", "check", "encode"] {
            XCTAssertEqual(try StageManifest.read(from: dir.file("ranks/\(stage)")).ranks, 3, "\(stage) was shared by the three ranks")
            XCTAssertNil(try StageManifest.read(from: dir.file("alone/\(stage)")).ranks)
        }
        for stage in ["upsample", "closure"] {
            XCTAssertNil(try StageManifest.read(from: dir.file("ranks/\(stage)")).ranks, "\(stage) ran on rank 0 alone")
        }
    }

    /// Rank 2 of 3 cannot open its input: its message is out, and the job stops at once (MPI_Abort)
    /// with a non-zero status; the other ranks, which could, write no manifest.
    func testARankThatFailsStopsTheJobWithItsMessage() throws {
        try runMacroscale(["simulate", "ising", "--size", "8", "--runs", "4", "--steps", "4", "--out", path("sim")])
        let started = Date()
        let run = try mpirun(["evolve", "--input", path("sim"), "--time", "1", "--out", path("evolve"), "--quiet"], ranks: 2,
                             then: ["evolve", "--input", path("missing"), "--time", "1", "--out", path("evolve"), "--quiet"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.errors.contains("Error: rank 2 of 3: \(path("missing")): no manifest.json"), run.errors)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "stopped at once, not after the waiting ranks' fallback")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("evolve/manifest.json")))
    }

    /// A command that is not sharded runs on rank 0 alone; when it fails there, rank 0 writes its
    /// message once and stops the ranks waiting for it.
    func testAFailureOnRankZeroStopsTheWaitingRanks() throws {
        let started = Date()
        let run = try mpirun(["train-sde", "--pairs", path("nothing.npz"), "--out", path("sde"), "--quiet"], ranks: 3)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(run.errors.components(separatedBy: "Error: rank 0 of 3: \(path("nothing.npz"))").count, 2, run.errors)
        XCTAssertFalse(run.errors.contains("rank 1 of 3"), run.errors)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "stopped at once, not after the waiting ranks' fallback")
    }

    /// Each output of each stage under `root` with its SHA-256, as the file is now (and as its manifest records it).
    func outputDigests(_ root: String) throws -> [String: String] {
        var digests: [String: String] = [:]
        for stage in try FileManager.default.contentsOfDirectory(atPath: root) where !stage.hasPrefix(".") {
            let directory = URL(fileURLWithPath: root).appendingPathComponent(stage)
            for output in try StageManifest.read(from: directory).outputs {
                let digest = try SHA256.hex(fileAt: directory.appendingPathComponent(output.path))
                XCTAssertEqual(digest, output.sha256, "\(stage)/\(output.path) as its manifest records it")
                digests["\(stage)/\(output.path)"] = digest
            }
        }
        return digests
    }

    /// Runs the built `macroscale` under `mpirun` on `ranks` ranks with `arguments` (and, given
    /// `then`, one more rank with those): its exit status and standard error. Skips the test
    /// where `mpirun` is not installed.
    func mpirun(_ arguments: [String], ranks: Int, then other: [String]? = nil) throws -> (status: Int32, errors: String) {
        let searched = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map { "\($0)/mpirun" }
        guard let mpirun = searched.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw XCTSkip("Open MPI's mpirun is not installed (scripts/setup-system installs openmpi-bin)")
        }
        let binary = try executable().path
        let process = Process(), errors = Pipe()
        process.executableURL = URL(fileURLWithPath: mpirun)
        process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", String(ranks), binary] + arguments
            + (other.map { [":", "-np", "1", binary] + $0 } ?? [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}
