import Foundation
import Metrics
import Random
import XCTest

final class NoiseFloorTests: XCTestCase {
    /// The V-statistic's expectation for two samples of sizes m, n from N(μ, s² I_d): (1/m + 1/n)(1 − E k)
    /// averaged over bandwidths, with E exp(−‖x − x'‖²/2σ²) = (σ²/(σ² + 2s²))^{d/2}.
    func vBias(m: Int, n: Int, s: Double, d: Int, bandwidths: [Double] = MMD.referenceBandwidths) -> Double {
        bandwidths.map { σ in (1 / Double(m) + 1 / Double(n)) * (1 - pow(σ * σ / (σ * σ + 2 * s * s), Double(d) / 2)) }.reduce(0, +)
            / Double(bandwidths.count)
    }

    func meanAndStandardError(_ values: [Double]) -> (Double, Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
        return (mean, (variance / Double(values.count)).squareRoot())
    }

    /// Two independent samples of one Gaussian: U averages to 0, V to its known bias.
    func testIdenticalDistributionsGiveUZeroAndVItsBias() {
        let (m, n, d, s) = (60, 40, 2, 0.7)
        var vs: [Double] = [], us: [Double] = []
        for r in 0..<300 {
            let random = RandomStream(seed: UInt64(r), stage: "noise-floor")
            let x = (0..<(m * d)).map { _ in s * random.gaussian() }, y = (0..<(n * d)).map { _ in s * random.gaussian() }
            let (v, u) = MMD().statistics(x, y, dimension: d)
            vs.append(v)
            us.append(u)
        }
        let (meanU, errorU) = meanAndStandardError(us), (meanV, errorV) = meanAndStandardError(vs)
        XCTAssertEqual(meanU, 0, accuracy: 3 * errorU)
        XCTAssertEqual(meanV, vBias(m: m, n: n, s: s, d: d), accuracy: 3 * errorV)
        XCTAssertGreaterThan(vBias(m: m, n: n, s: s, d: d), 10 * errorV, "the bias is resolved, so the check can fail")
    }

    /// The noise floor of a transient Gaussian ensemble (the mean moving far, unit-free spread s at
    /// every time): halves of N/2, standardised by the spread, so per time V ≈ (4/N)(1 − E k) with s = 1.
    func testNoiseFloorOfATransientEnsembleIsTheHalvesBias() throws {
        let (runs, times, d, s) = (200, 60, 2, 0.05)
        let random = RandomStream(seed: 7, stage: "noise-floor-transient")
        var truth: [Double] = []
        for _ in 0..<runs {
            for t in 0..<times {
                for k in 0..<d { truth.append(Double(k + 1) * exp(-Double(t) / 10) + s * random.gaussian()) }
            }
        }
        let scale = SpreadScale(of: truth, times: times, dimension: d)
        let floor = try XCTUnwrap(EnsembleDiscrepancy.noiseFloor(of: truth, times: times, dimension: d, mmd: MMD(), scale: scale, relaxationIndex: 20))
        let (meanU, errorU) = meanAndStandardError(floor.mmdU), (meanV, errorV) = meanAndStandardError(floor.mmdV)
        XCTAssertEqual(meanU, 0, accuracy: 3 * errorU)
        XCTAssertEqual(meanV, vBias(m: runs / 2, n: runs / 2, s: 1, d: d), accuracy: 3 * errorV + 0.02 * meanV)
        XCTAssertLessThan(floor.relativeError, 1e-3)
        XCTAssertNil(EnsembleDiscrepancy.noiseFloor(of: Array(truth.prefix(3 * times * d)), times: times, dimension: d, mmd: MMD(),
                                                    scale: scale, relaxationIndex: 20), "fewer than 4 trajectories: no floor")
    }
}
