import Artifacts
import Foundation
@testable import MacroscaleCLI
import TestSupport
import XCTest

/// `macroscale generator`: generator pairs from Ising snapshots, read by train-sde like encoded ones.
final class GeneratorCommandTests: CommandTestCase {
    /// 8² Glauber records upsampled to 16²: the pairs' starts are (m, ρ) of the snapshots, and the
    /// drift and covariance rate, recomputed by NumPy from the snapshots' spins alone, match
    /// next − start and conditionalCovariance (δt = 0.5); train-sde takes λ = K as 1 and
    /// records the generator lineage. `--observable magnetization` keeps m's column and moments; a
    /// simulate stage's records after a burn-in serve too.
    func testPairsMatchNumPyAndTrainAnSDE() throws {
        try runMacroscale(["simulate", "ising", "--size", "8", "--field", "0.1", "--temperature", "2.27", "--runs", "2", "--steps", "3",
                           "--seed", "1", "--out", path("sim")])
        try runMacroscale(["upsample", "--input", path("sim"), "--factors", "2", "--snapshots", "12", "--window", "8", "--out", path("up")])
        try runMacroscale(["generator", "--input", path("up"), "--dt", "0.5", "--out", path("gen")])
        let report = try Python.run("""
            import numpy as np, sys
            s = np.load(sys.argv[1])['states'].astype(float); g = np.load(sys.argv[2])
            T, h, N = 2.27, 0.1, s.shape[1] * s.shape[2]
            nb = sum(np.roll(s, k, a) for k in (1, -1) for a in (1, 2))
            w = 1 / (1 + np.exp(2 * s * (nb + h) / T))
            jumps = np.stack([-2 * s / N, s * nb / (2 * N)], -1)
            drift = np.einsum('pxy,pxyi->pi', w, jumps); cov = np.einsum('pxy,pxyi,pxyj->pij', w, jumps, jumps)
            m = s.mean((1, 2)); rho = (2 * N - (s * (np.roll(s, -1, 1) + np.roll(s, -1, 2))).sum((1, 2))) / (4 * N)
            print(np.abs(g['start'] - np.stack([m, rho], 1)).max(), np.abs((g['next'] - g['start']) / 0.5 - drift).max() / np.abs(drift).max(),
                  np.abs(g['conditionalCovariance'] / 0.5 - cov).max() / np.abs(cov).max(), int(g['patches']), g['dt'].min(), g['dt'].max())
            """, [path("up/snapshots.npz"), path("gen/generator.npz")])
        let values = report.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        XCTAssertEqual(values.count, 6, report)
        XCTAssertLessThan(values[0], 1e-12, "start = (m, ρ)")
        XCTAssertLessThan(values[1], 1e-9, "next − start = drift·δt")
        XCTAssertLessThan(values[2], 1e-12, "conditionalCovariance = a·δt")
        XCTAssertEqual(Array(values[3...]), [1, 0.5, 0.5], "K = 1, δt = 0.5")

        // The magnetization alone: the first column, its drift and its variance rate.
        try runMacroscale(["generator", "--input", path("up"), "--dt", "0.5", "--observable", "magnetization", "--out", path("gen-m")])
        let full = try NPZArchive.read(dir.file("gen/generator.npz")), alone = try NPZArchive.read(dir.file("gen-m/generator.npz"))
        XCTAssertEqual(try alone.array("start").shape, [12, 1])
        XCTAssertEqual(try alone.array("next").doubleValues(), try full.array("next").doubleValues().enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        XCTAssertEqual(try alone.array("conditionalCovariance").doubleValues(),
                       try full.array("conditionalCovariance").doubleValues().enumerated().filter { $0.offset % 4 == 0 }.map(\.element))
        XCTAssertThrowsError(try runMacroscale(["generator", "--input", path("up"), "--observable", "energy", "--out", path("gen-e")])) {
            XCTAssertTrue("\($0)".contains("no macroscopic observable 'energy'"), "\($0)")
        }
        // A simulate stage's records after the burn-in: 2 runs × (4 − 1) records (the initial state and 3 steps).
        try runMacroscale(["generator", "--input", path("sim"), "--burn-in", "1", "--out", path("gen-sim")])
        XCTAssertEqual(try NPZArchive.read(dir.file("gen-sim/generator.npz")).array("conditionalCovariance").shape, [6, 2, 2])
        XCTAssertThrowsError(try runMacroscale(["generator", "--input", path("sim"), "--burn-in", "4", "--out", path("gen-none")])) {
            XCTAssertTrue("\($0)".contains("leaves no records"), "\($0)")
        }
        try runMacroscale(["train-sde", "--pairs", path("gen/generator.npz"), "--lambda", "K", "--epochs", "2", "--hidden", "4", "--out", path("sde")])
        let manifest = try StageManifest.read(from: dir.file("sde"))
        guard case .object(let config) = manifest.config, case .number(let lambda)? = config["lambda"],
              case .object(let lineage)? = config["lineage"], case .array(let latent)? = lineage["latent"] else {
            return XCTFail("train-sde manifest: \(manifest.config)")
        }
        XCTAssertEqual(lambda, 1, "λ = K with the whole lattice's moments")
        XCTAssertEqual(latent, [.string("magnetization"), .string("domainWallDensity")])
    }

    /// Heat-bath and Curie–Weiss snapshots have no generator here; a bad δt is a usage error, a
    /// burn-in on upsampled snapshots an error; train-sde refuses malformed conditional covariances
    /// and training files that mix generator pairs with drawn increments.
    func testRefusals() throws {
        try runMacroscale(["simulate", "ising", "--size", "8", "--field", "0", "--temperature", "2.27", "--dynamics", "heat-bath",
                           "--runs", "1", "--steps", "2", "--out", path("heat")])
        XCTAssertThrowsError(try runMacroscale(["generator", "--input", path("heat"), "--out", path("g1")])) {
            XCTAssertTrue("\($0)".contains("continuous-time Glauber"), "\($0)")
        }
        try runMacroscale(["simulate", "curie-weiss", "--size", "8", "--runs", "1", "--steps", "2", "--out", path("cw")])
        XCTAssertThrowsError(try runMacroscale(["generator", "--input", path("cw"), "--out", path("g2")])) {
            XCTAssertTrue("\($0)".contains("Ising with Glauber dynamics only"), "\($0)")
        }
        XCTAssertThrowsError(try Macroscale.parseAsRoot(["generator", "--input", "x", "--dt", "0", "--out", "y"]))
        try runMacroscale(["simulate", "ising", "--size", "8", "--field", "0", "--temperature", "2.27", "--runs", "1", "--steps", "2", "--out", path("sim")])
        try runMacroscale(["upsample", "--input", path("sim"), "--factors", "2", "--snapshots", "3", "--window", "8", "--out", path("up")])
        XCTAssertThrowsError(try runMacroscale(["generator", "--input", path("up"), "--burn-in", "1", "--out", path("g3")])) {
            XCTAssertTrue("\($0)".contains("not runs"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("g3/generator.npz")), "refused before any output")
        // Conditional covariances that are not symmetric, not finite, or not positive semidefinite
        // (eigenvalues −0.099 and 0.101: the likelihood would fall without bound) are refused,
        // naming the pair; an asymmetry at rounding level is not.
        for (index, (matrix, message)) in [([1, 0.5, 0.4, 1], "pair 1 is not symmetric"), ([1, .nan, .nan, 1], "pair 1 is not finite"),
                                           ([1e-3, 0.1, 0.1, 1e-3], "pair 1 is not positive semidefinite"),
                                           ([1, 0.5, 0.5 + 1e-12, 1], "")].enumerated() {
            let pairs = NPZArchive([
                ("start", try NumPyArray([0.1, 0.2, 0.3, 0.4], shape: [2, 2])), ("next", try NumPyArray([0.1, 0.2, 0.3, 0.4], shape: [2, 2])),
                ("dt", NumPyArray([1.0, 1.0])), ("conditionalCovariance", try NumPyArray([1, 0, 0, 1] + matrix, shape: [2, 2, 2])),
            ])
            try pairs.write(to: dir.file("c\(index).npz"))
            let train = ["train-sde", "--pairs", path("c\(index).npz"), "--lambda", "1", "--epochs", "1", "--hidden", "4", "--out", path("s\(index)")]
            if message.isEmpty {
                XCTAssertNoThrow(try runMacroscale(train))
            } else {
                XCTAssertThrowsError(try runMacroscale(train)) { XCTAssertTrue("\($0)".contains(message), "\($0)") }
            }
        }
        // Generator pairs and drawn increments in one role are refused.
        let drawn = NPZArchive([("start", try NumPyArray([0.1, 0.2], shape: [1, 2])), ("next", try NumPyArray([0.1, 0.3], shape: [1, 2])),
                                ("dt", NumPyArray([1.0]))])
        try drawn.write(to: dir.file("drawn.npz"))
        XCTAssertThrowsError(try runMacroscale(["train-sde", "--pairs", path("c3.npz"), "--pairs", path("drawn.npz"), "--lambda", "1",
                                                "--epochs", "1", "--out", path("mixed")])) {
            XCTAssertTrue("\($0)".contains("all be generator pairs"), "\($0)")
        }
    }
}
