import Foundation
import Metrics
import Random
import XCTest

final class SpreadScaleTests: XCTestCase {
    /// A Curie–Weiss-like transient: the ensemble mean moves from −0.5 to 0.35, the spread is 0.03.
    func transient(runs: Int, times: Int, spread: Double, shift: Double = 0, seed: UInt64) -> [Double] {
        let random = RandomStream(seed: seed, stage: "spread-scale")
        return (0..<runs).flatMap { _ in
            (0..<times).map { t in 0.35 - 0.85 * exp(-Double(t) / 5) + shift + spread * random.gaussian() }
        }
    }

    func testStandardisationUsesThePooledMeanAndTheRMSOfThePerTimeStd() {
        // Two trajectories, two times, two components; per-time stds (1, 0) and (3, 0) → spreads (√5, 1: all 0 falls back to 1).
        let reference: [Double] = [0, 5, 2, 5,   2, 5, 8, 5]
        let scale = SpreadScale(of: reference, times: 2, dimension: 2)
        XCTAssertEqual(scale.centre, [3, 5])
        XCTAssertEqual(scale.spread[0], 5.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(scale.spread[1], 1)
        XCTAssertEqual(scale.standardised([3, 6]), [0, 1])
    }

    /// The scale of a transient ensemble is its spread, not the pooled std; so a copy shifted by two
    /// spreads is clearly told apart, where the pooled standardisation left most bandwidths blind.
    func testTransientEnsembleIsScaledByItsSpreadAndTheMMDSeesAShiftOfTwoSpreads() {
        let (runs, times, spread) = (40, 30, 0.03)
        let truth = transient(runs: runs, times: times, spread: spread, seed: 1)
        let shifted = transient(runs: runs, times: times, spread: spread, shift: 2 * spread, seed: 2)
        let scale = SpreadScale(of: truth, times: times, dimension: 1)
        XCTAssertEqual(scale.spread[0], spread, accuracy: 0.05 * spread)
        let pooledMean = truth.reduce(0, +) / Double(truth.count)
        let pooledStd = (truth.map { ($0 - pooledMean) * ($0 - pooledMean) }.reduce(0, +) / Double(truth.count)).squareRoot()
        XCTAssertGreaterThan(pooledStd, 5 * spread, "the transient dominates the pooled std")

        func temporalMMDV(_ standardise: ([Double]) -> [Double]) -> Double {
            MMD().overTime(standardise(shifted), standardise(truth), times: times, dimension: 1).v.reduce(0, +) / Double(times)
        }
        let bySpread = temporalMMDV(scale.standardised)
        let byPooled = temporalMMDV { $0.map { ($0 - pooledMean) / pooledStd } }
        XCTAssertGreaterThan(bySpread, 0.1)
        // Pooled, the ensemble is 0.12 wide: only σ = 0.25 resolves it, the wider kernels add ~0 (for
        // Gaussians the expected V is 0.12 against 0.32 by the spread, plus the same sampling bias).
        XCTAssertGreaterThan(bySpread, 2 * byPooled, "the pooled scale mostly hides the shift")
    }
}
