import Artifacts
import Foundation
import Metrics
import Random
import TestSupport
import XCTest

final class MMDTests: XCTestCase {
    func sample(_ count: Int, _ d: Int, shift: Double, seed: UInt64) -> [Double] {
        let random = RandomStream(seed: seed, stage: "mmd-sample")
        return (0..<(count * d)).map { _ in random.gaussian() + shift }
    }

    /// V and U statistics over time against an independent NumPy transcription of Docs/METHOD.md §5.
    func testAgreesWithNumPyOnTheSameFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (m, n, times, d) = (40, 30, 5, 3)
        let x = sample(m * times, d, shift: 0, seed: 1), y = sample(n * times, d, shift: 0.3, seed: 2)
        try NPYFile.write(try NumPyArray(x, shape: [m, times, d]), to: dir.file("x.npy"))
        try NPYFile.write(try NumPyArray(y, shape: [n, times, d]), to: dir.file("y.npy"))
        let (v, u) = MMD().overTime(x, y, times: times, dimension: d)
        let output = try Python.run("""
            import numpy as np, sys
            X, Y = np.load(sys.argv[1]), np.load(sys.argv[2])
            sigmas = [0.25, 0.5, 1, 2, 4, 8]
            def k(a, b, s):
                d2 = ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)
                return np.exp(-d2 / (2 * s * s))
            for t in range(X.shape[1]):
                a, b = X[:, t], Y[:, t]
                m, n = len(a), len(b)
                V = np.mean([k(a, a, s).mean() + k(b, b, s).mean() - 2 * k(a, b, s).mean() for s in sigmas])
                U = np.mean([(k(a, a, s).sum() - m) / (m * (m - 1)) + (k(b, b, s).sum() - n) / (n * (n - 1)) - 2 * k(a, b, s).mean() for s in sigmas])
                print('%.17g %.17g' % (V, U))
            """, [dir.file("x.npy").path, dir.file("y.npy").path])
        let rows = output.split(separator: "\n").map { $0.split(separator: " ").compactMap { Double($0) } }
        XCTAssertEqual(rows.count, times)
        XCTAssertTrue(rows.allSatisfy { $0.count == 2 }, output)
        for t in 0..<times where rows[t].count == 2 {
            XCTAssertEqual(v[t], rows[t][0], accuracy: 1e-6 * abs(rows[t][0]))
            XCTAssertEqual(u[t], rows[t][1], accuracy: 1e-6 * abs(rows[t][1]))
        }
    }

    func testVStatisticOfASampleWithItselfIsZeroAndUStatisticIsUnbiased() {
        let x = sample(50, 2, shift: 0, seed: 3)
        XCTAssertEqual(MMD().statistics(x, x, dimension: 2).v, 0, accuracy: 1e-12)
        // Equal distributions: the U-statistic averages to 0 (within its standard error); V does not.
        var us: [Double] = [], vs: [Double] = []
        for r in 0..<200 {
            let (v, u) = MMD().statistics(sample(20, 2, shift: 0, seed: 100 + UInt64(r)), sample(20, 2, shift: 0, seed: 1000 + UInt64(r)), dimension: 2)
            us.append(u)
            vs.append(v)
        }
        let mean = us.reduce(0, +) / 200
        let standardError = (us.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 199 / 200).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 3 * standardError)
        XCTAssertGreaterThan(vs.reduce(0, +) / 200, 10 * standardError, "the V-statistic is biased upwards")
        // Different distributions: both clearly positive.
        let shifted = MMD().statistics(sample(100, 2, shift: 0, seed: 5), sample(100, 2, shift: 1, seed: 6), dimension: 2)
        XCTAssertGreaterThan(shifted.u, 20 * standardError)
    }

    /// Two trajectories, two times, one component: predicted means (1, 3), true means (2, 2).
    /// One sample on a side hit the MMD's precondition (issue 14, finding 5); callers check first.
    func testTooFewSamplesAreAnErrorBeforeTheStatistics() throws {
        try MMD.checkSamples(2, 2, dimension: 1)
        for (m, n, d) in [(1, 5, 3), (5, 1, 3), (0, 0, 3)] {
            XCTAssertThrowsError(try MMD.checkSamples(m, n, dimension: d)) { error in
                XCTAssertEqual("\(error)", "MMD needs at least two samples on each side, got \(m) and \(n)")
            }
        }
        XCTAssertThrowsError(try MMD.checkSamples(5, 5, dimension: 0)) { error in
            XCTAssertEqual("\(error)", "MMD needs points with at least one component, got 0")
        }
    }

    func testRelativeErrorOfEnsembleMeansOnAHandExample() {
        let predicted: [Double] = [0, 2, 2, 4]  // trajectory 0: (0, 2); trajectory 1: (2, 4) → means (1, 3)
        let truth: [Double] = [1, 1, 3, 3]      // → means (2, 2)
        // Σ (z̄_pred − z̄_true)² / Σ z̄_true² = (1 + 1) / (4 + 4)
        XCTAssertEqual(relativeErrorOfMeans(predicted: predicted, true: truth, times: 2, dimension: 1), 0.25, accuracy: 1e-15)
        let moments = ensembleMoments(predicted + [.nan, 0], times: 2, dimension: 1)
        XCTAssertEqual(moments.mean, [1, 3], "the non-finite trajectory is left out")
        XCTAssertEqual(moments.std, [1, 1])
    }

}
