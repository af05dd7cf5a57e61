import Artifacts
import Foundation
import Random
import Stages
import Systems
import TestSupport
import XCTest

/// Several patch evolutions per snapshot (`evolve --replicas R`), averaged by `encode`.
final class ReplicaAveragingTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.remove() }

    let small = CurieWeissModel(size: 8, temperature: 1.1, field: 0.1)

    /// Upsamples 8² Curie–Weiss configurations of random magnetization to 16² (K = 4 patches of 8²)
    /// and evolves them with the Richardson estimator over Glauber time 0.5, `replicas` per snapshot.
    func evolve(replicas: Int, snapshots: Int, name: String) throws -> URL {
        let pool = (0..<50).map { small.initialConfiguration(run: $0, random: RandomStream(seed: 1, stage: "pool", index: UInt64($0))).configuration }
        let up = dir.file("up")
        if !FileManager.default.fileExists(atPath: up.appendingPathComponent("manifest.json").path) {
            var upsampling = Upsampling(targetShape: [16, 16], snapshots: snapshots)
            upsampling.relaxDuration = .steps(0)
            try UpsampleStage.upsample(small, pool: pool, settings: upsampling, seed: 2, inputs: [], directory: up)
        }
        let source = try SnapshotSource(directory: up)
        var settings = PartialEvolution(patchShape: [8, 8])
        settings.estimator = .richardson
        settings.duration = .time(0.5)
        settings.replicas = replicas
        try EvolveStage.run(settings, inputs: source, seed: 3, directory: dir.file(name))
        return dir.file(name)
    }

    /// The first replica of every snapshot is the patch a single-replica run evolves (the same
    /// stream), and `encode` writes one pair per snapshot whose increment, naive next state and δt
    /// are the replicas' means and whose variance factor is 5/R — recomputed in NumPy from
    /// `evolved.npz`.
    func testEncodeAveragesTheReplicasOfEachSnapshot() throws {
        let single = try evolve(replicas: 1, snapshots: 40, name: "single")
        let replicated = try evolve(replicas: 3, snapshots: 40, name: "replicated")
        try EncodeStage.run(.init(), inputs: .init(evolve: replicated), seed: 0, directory: dir.file("encode"))
        let output = try Python.run("""
            import numpy as np, sys
            one = np.load(sys.argv[1] + "/evolved.npz"); rep = np.load(sys.argv[2] + "/evolved.npz")
            for name in ("patchBefore", "patchMidway", "patchAfter", "dt", "patchIndex", "snapshotIndex"):
                assert np.array_equal(rep[name][::3], one[name]), name
            assert np.array_equal(rep["snapshotIndex"], np.repeat(np.arange(40), 3))
            assert int(rep["replicas"]) == 3 and rep["patchBefore"].shape[0] == 120
            m = lambda name: rep[name].reshape(120, -1).astype(float).mean(axis=1)
            increment = (4 * (m("patchMidway") - m("patchBefore")) - (m("patchAfter") - m("patchBefore"))).reshape(40, 3).mean(axis=1)
            partial = np.load(sys.argv[3] + "/partial.npz"); naive = np.load(sys.argv[3] + "/naive.npz")
            assert partial["start"].shape == (40, 1)
            assert np.allclose(partial["next"][:, 0] - partial["start"][:, 0], increment, atol=1e-12)
            assert np.allclose(partial["varianceFactor"], 5 / 3)
            assert np.allclose(partial["dt"], rep["dt"].reshape(40, 3).mean(axis=1))
            assert np.allclose(naive["next"][:, 0], m("patchAfter").reshape(40, 3).mean(axis=1), atol=1e-12)
            assert np.allclose(naive["varianceFactor"], 1 / 3)
            print("ok")
            """, [single.path, replicated.path, dir.file("encode").path])
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "ok")
    }

    /// Averaging R independent evolutions divides the variance of the estimated increments about
    /// their mean by R: with 1 500 snapshots the measured ratio for R = 4 is within 15 % of 1/4.
    func testAveragedIncrementsHaveOneOverRTheVariance() throws {
        try EncodeStage.run(.init(), inputs: .init(evolve: evolve(replicas: 1, snapshots: 1500, name: "one")), seed: 0, directory: dir.file("encode-one"))
        try EncodeStage.run(.init(), inputs: .init(evolve: evolve(replicas: 4, snapshots: 1500, name: "four")), seed: 0, directory: dir.file("encode-four"))
        // Residuals about the exact drift, so the spread of start states does not enter.
        func residualVariance(_ name: String) throws -> Double {
            let pairs = try NPZArchive.read(dir.file("\(name)/partial.npz"))
            let start = try pairs.array("start").doubleValues(), next = try pairs.array("next").doubleValues()
            let dt = try pairs.array("dt").doubleValues()
            let large = CurieWeissModel(size: 16, temperature: 1.1, field: 0.1)
            let residuals = start.indices.map { next[$0] - start[$0] - large.exactDrift(at: [start[$0]])[0] * dt[$0] }
            let mean = residuals.reduce(0, +) / Double(residuals.count)
            return residuals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(residuals.count - 1)
        }
        let ratio = try residualVariance("encode-four") / residualVariance("encode-one")
        XCTAssertEqual(ratio, 0.25, accuracy: 0.25 * 0.15)
    }

    /// A `replicas` member that is not one integer ≥ 1 dividing the entries into groups of one
    /// snapshot each is refused by name.
    func testEvolvedFileWithInconsistentReplicasIsRefused() throws {
        let archive = try NPZArchive.read(try evolve(replicas: 2, snapshots: 10, name: "evolved").appendingPathComponent("evolved.npz"))
        let large = CurieWeissModel(size: 16, temperature: 1.1, field: 0.1)
        // 20 entries from 10 snapshots: 3 does not divide them, 4 groups entries of different snapshots.
        for replicas in [try NumPyArray([Int64(3)], shape: []), try NumPyArray([Int64(4)], shape: []), try NumPyArray([Int64(0)], shape: []),
                         NumPyArray([Int64(2), 2])] {
            let file = dir.file("crafted.npz")
            try NPZArchive(try archive.names.map { ($0, $0 == "replicas" ? replicas : try archive.array($0)) }).write(to: file)
            XCTAssertThrowsError(try EvolvedPatches.read(file, of: large)) { error in
                XCTAssertTrue("\(error)".contains("replicas"), "\(error)")
            }
        }
    }

    /// A `patchOrigin` that is not one tiling origin per entry is refused by name: in-place
    /// measurement writes each patch back at its origin.
    func testEvolvedFileWithBadPatchOriginsIsRefused() throws {
        let archive = try NPZArchive.read(try evolve(replicas: 1, snapshots: 4, name: "evolved-origins").appendingPathComponent("evolved.npz"))
        let large = CurieWeissModel(size: 16, temperature: 1.1, field: 0.1)
        for origins in [try NumPyArray([Int64](repeating: 4, count: 8), shape: [4, 2]), try NumPyArray([Int64](repeating: 0, count: 4), shape: [4, 1]),
                        try NumPyArray([Int64](repeating: 16, count: 8), shape: [4, 2])] {
            let file = dir.file("crafted-origins.npz")
            try NPZArchive(try archive.names.map { ($0, $0 == "patchOrigin" ? origins : try archive.array($0)) }).write(to: file)
            XCTAssertThrowsError(try EvolvedPatches.read(file, of: large)) { error in
                XCTAssertTrue("\(error)".contains("patchOrigin"), "\(error)")
            }
        }
        XCTAssertEqual(try EvolvedPatches.read(dir.file("evolved-origins").appendingPathComponent("evolved.npz"), of: large).origin.count, 4)
    }
}
