import Foundation
@testable import Random
import XCTest

final class ExponentialZigguratTests: XCTestCase {
    /// Bin of `x` among `bins` bins of equal probability under Exp(1): ⌊(1 − e^(−x)) · bins⌋.
    private func exponentialLawBin(_ x: Double, bins: Int) -> Int { min(Int(-expm1(-x) * Double(bins)), bins - 1) }

    /// The largest gap between two cumulative counts, each divided by its number of draws.
    private func largestGap(_ a: [Int], _ b: [Int], perA: Double, perB: Double) -> Double {
        var runningA = 0, runningB = 0, gap = 0.0
        for (countA, countB) in zip(a, b) {
            runningA += countA
            runningB += countB
            gap = max(gap, abs(Double(runningA) / perA - Double(runningB) / perB))
        }
        return gap
    }

    /// Kolmogorov–Smirnov on 10⁷ draws each: the ziggurat's waiting times against GSL's
    /// `gsl_ran_exponential` (two samples) and against the exact law 1 − e^(−x) (one sample).
    /// Bins of probability 2⁻¹⁶ stand in for sorting: they move the statistic by at most 1.5 × 10⁻⁵,
    /// far below the critical values (8.7 × 10⁻⁴ and 6.2 × 10⁻⁴ at α = 0.001). A mean off by
    /// 0.5 % (statistic ≈ 1.8 × 10⁻³) must be caught.
    func testWaitingTimesMatchGSLExponentialByKolmogorovSmirnov() {
        let n = 10_000_000, bins = 1 << 16
        let ziggurat = RandomStream(seed: 17, stage: "test-ziggurat")
        let gsl = RandomStream(seed: 18, stage: "test-ziggurat")
        let rate = 2.5
        var zigguratCounts = [Int](repeating: 0, count: bins), stretched = zigguratCounts, gslCounts = zigguratCounts
        var tailCount = 0, tailExcess = 0.0
        let r = ExponentialZiggurat.tailStart
        for _ in 0..<n {
            let x = ziggurat.waitingTime(rate: rate) * rate
            zigguratCounts[exponentialLawBin(x, bins: bins)] += 1
            stretched[exponentialLawBin(1.005 * x, bins: bins)] += 1
            if x > r { tailCount += 1; tailExcess += x - r }
            gslCounts[exponentialLawBin(gsl.exponential(mean: 1), bins: bins)] += 1
        }
        let exactCounts = [Int](repeating: 1, count: bins)
        let twoSample = largestGap(zigguratCounts, gslCounts, perA: Double(n), perB: Double(n))
        XCTAssertLessThan(twoSample, 1.95 * (2.0 / Double(n)).squareRoot(), "ziggurat against GSL")
        let oneSample = largestGap(zigguratCounts, exactCounts, perA: Double(n), perB: Double(bins))
        XCTAssertLessThan(oneSample, 1.95 / Double(n).squareRoot(), "ziggurat against 1 − e^(−x)")
        XCTAssertLessThan(largestGap(gslCounts, exactCounts, perA: Double(n), perB: Double(bins)), 1.95 / Double(n).squareRoot(), "GSL against 1 − e^(−x)")
        XCTAssertGreaterThan(largestGap(stretched, exactCounts, perA: Double(n), perB: Double(bins)), 1.95 / Double(n).squareRoot(),
                             "the test must see a 0.5 % error in the mean")

        // The tail beyond the base strip (P = e^(−7.697) ≈ 4.5 × 10⁻⁴, ≈ 4,540 draws) is r + Exp(1):
        // its excess over r has mean 1 (standard error ≈ 0.015).
        let expectedTail = Double(n) * exp(-r)
        XCTAssertEqual(Double(tailCount), expectedTail, accuracy: 4 * expectedTail.squareRoot())
        XCTAssertEqual(tailExcess / Double(tailCount), 1, accuracy: 0.06)
    }

    /// The layers tile the density: 255 rectangles and the base strip, each of the same area v, and
    /// the base strip is the rectangle r · e^(−r) plus the tail e^(−r).
    func testLayersHaveEqualAreasUnderTheDensity() {
        let table = exponentialZiggurat
        let unit = 9_007_199_254_740_992.0
        let v = ExponentialZiggurat.layerArea, r = ExponentialZiggurat.tailStart
        XCTAssertEqual(r * exp(-r) + exp(-r), v, accuracy: 1e-12)
        XCTAssertEqual(table.scale[255] * unit, r, accuracy: 1e-12)
        for layer in 1..<ExponentialZiggurat.layerCount {
            let width = table.scale[layer] * unit
            XCTAssertEqual(width * (table.density[layer - 1] - table.density[layer]), v, accuracy: 1e-9, "layer \(layer)")
            XCTAssertEqual(table.density[layer], exp(-width), accuracy: 1e-15)
        }
        // 256 areas of v: the whole density (area 1) plus the parts of the rectangles above it.
        XCTAssertGreaterThan(256 * v, 1)
    }

    /// Same seed, same waiting times; the draws interleave with `uniform` on one Philox stream.
    func testWaitingTimesAreReproducible() {
        func draws(_ seed: UInt64) -> [Double] {
            let random = RandomStream(seed: seed, stage: "test-ziggurat-bytes", index: 3)
            return (0..<1000).flatMap { _ in [random.uniform(), random.waitingTime(rate: 7)] }
        }
        XCTAssertEqual(draws(1), draws(1))
        XCTAssertNotEqual(draws(1), draws(2))
        XCTAssertTrue(draws(1).allSatisfy { $0 >= 0 && $0.isFinite })
    }
}
