import Artifacts
import Execution
import Foundation
import Random
import Stages
import Systems
import TestSupport
import XCTest

final class RichardsonWeightsTests: XCTestCase {
    func testHalfWayWeightsAreFourAndMinusOneWithVarianceFactorFive() throws {
        let weights = try XCTUnwrap(RichardsonWeights(t1: 0.25, t2: 0.5))
        XCTAssertEqual(weights.first, 4, accuracy: 1e-12)
        XCTAssertEqual(weights.second, -1, accuracy: 1e-12)
        XCTAssertEqual(weights.varianceFactor, 5, accuracy: 1e-12)
        XCTAssertNil(RichardsonWeights(t1: 0.5, t2: 0.5))
        XCTAssertNil(RichardsonWeights(t1: 0, t2: 0.5))
        XCTAssertNil(RichardsonWeights(t1: .nan, t2: 0.5))
    }

    /// Any t₁ < t₂: the combination is b·t₂ for increments b·t + q·t², and its variance for
    /// independent Gaussian increments (variance ∝ length) is the stated factor times t₂.
    func testCombinationCancelsTheQuadraticTermAndHasTheStatedVariance() throws {
        let random = RandomStream(seed: 1, stage: "richardson")
        for _ in 0..<20 {
            let t2 = random.uniform(0.1, 3), t1 = t2 * random.uniform(0.1, 0.9), b = random.gaussian(sigma: 1), q = random.gaussian(sigma: 1)
            let weights = try XCTUnwrap(RichardsonWeights(t1: t1, t2: t2))
            let combined = weights.combine([b * t1 + q * t1 * t1], [b * t2 + q * t2 * t2])[0]
            XCTAssertEqual(combined, b * t2, accuracy: 1e-9 * max(1, abs(b * t2)))
        }
        let weights = try XCTUnwrap(RichardsonWeights(t1: 0.3, t2: 1))
        let samples = (0..<200_000).map { _ -> Double in
            let first = random.gaussian(sigma: 0.3.squareRoot()), rest = random.gaussian(sigma: 0.7.squareRoot())
            return weights.combine([first], [first + rest])[0]
        }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count - 1)
        XCTAssertEqual(variance, weights.varianceFactor, accuracy: 0.02 * weights.varianceFactor)
    }
}

/// The partial estimator against the exact law on a small Curie–Weiss system: N = 16², patches of
/// 8² (K = 4), T = 1.1, h = 0.1, 20 000 configurations with m ~ U[−1, 1] (Curie–Weiss states are
/// exchangeable: any arrangement with the same m is a state of the dynamics). The slope of the patch
/// increments on the exact drift b(m)·δt estimates E[Δ]/(b δt):
/// - the reference (L_s² = 64 events, δt ≈ 2.5) relaxes the patch against its frozen surroundings
///   at rate ≈ 1, so the slope is ≈ (1 − e^{−δt})/δt ≈ 0.4, far below 1;
/// - the Richardson estimator over δt = 0.5 is unbiased to O(δt²) (≈ 1 % here) — within its
///   statistical error (≈ 2 %) of 1.
final class PartialEstimatorBiasTests: XCTestCase {
    func testRichardsonEstimatorFollowsTheExactDriftWhereTheReferenceIsHalfAsFast() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let model = CurieWeissModel(size: 16, temperature: 1.1, field: 0.1)
        let snapshots: [Grid<Int8>] = (0..<20_000).map { j in
            model.initialConfiguration(run: j, random: RandomStream(seed: 1, stage: "states", index: UInt64(j))).configuration
        }
        func slope(_ estimator: PartialEstimator, _ duration: RegionDuration?, _ name: String) throws -> (slope: Double, error: Double) {
            var settings = PartialEvolution(patchShape: [8, 8])
            settings.estimator = estimator
            settings.duration = duration
            try EvolveStage.partialEvolve(model, snapshots: snapshots, settings: settings, seed: 2, inputs: [], directory: dir.file(name))
            let patches = try EvolvedPatches.read(dir.file("\(name)/evolved.npz"), of: model)
            let weights = try patches.richardsonWeights(source: name)
            var numerator = 0.0, denominator = 0.0, residuals: [(Double, Double)] = []
            for j in snapshots.indices {
                let estimate = estimatedIncrement(before: model.observables(of: patches.before[j]),
                                                  midway: patches.midway.map { model.observables(of: $0.patches[j]) },
                                                  after: model.observables(of: patches.after[j]), weights: weights?[j])[0]
                let expected = model.exactDrift(at: model.observables(of: snapshots[j]))[0] * patches.dt[j]
                numerator += estimate * expected
                denominator += expected * expected
                residuals.append((estimate, expected))
            }
            let fitted = numerator / denominator
            let variance = residuals.reduce(0) { $0 + pow($1.0 - fitted * $1.1, 2) } / Double(residuals.count - 1)
            return (fitted, (variance / denominator).squareRoot())
        }
        let reference = try slope(.single, nil, "reference")
        let richardson = try slope(.richardson, .time(0.5), "richardson")
        XCTAssertLessThan(reference.slope, 0.6, "the reference estimator's slope \(reference.slope) ± \(reference.error)")
        XCTAssertEqual(richardson.slope, 1, accuracy: 0.02 + 3 * richardson.error, "± \(richardson.error)")
    }
}
