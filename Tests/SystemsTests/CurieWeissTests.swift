import Foundation
import Random
@testable import Systems
import XCTest

final class CurieWeissTests: XCTestCase {
    func testRatesSatisfyDetailedBalance() {
        let model = CurieWeissModel(size: 8, temperature: 1.1, field: 0.1)
        let n = 64
        for up in 1..<n {
            let m = 2 * up - n
            // Flipping an up spin at magnetization M leads to M − 2, where flipping a down spin returns.
            let forward = model.flipEnergyChange(spin: 1, totalMagnetization: m, spins: n)
            let reverse = model.flipEnergyChange(spin: -1, totalMagnetization: m - 2, spins: n)
            XCTAssertEqual(reverse, -forward, accuracy: 1e-12)
            // And ΔH equals the change of H = −M²/(2N) − hM.
            func energy(_ m: Int) -> Double { -Double(m * m) / Double(2 * n) - 0.1 * Double(m) }
            XCTAssertEqual(forward, energy(m - 2) - energy(m), accuracy: 1e-12)
            let ratio = glauberRate(beta: model.beta, energyChange: forward) / glauberRate(beta: model.beta, energyChange: reverse)
            XCTAssertEqual(ratio, exp(-model.beta * forward), accuracy: 1e-12 * ratio)
        }
    }

    /// N = 64², T = 1.1, h = 0.1: from m₀ ~ U[−1, 1] the ensemble mean relaxes to m* = tanh(β(m* + h)).
    /// Relaxation time ≈ 1/(1 − β(1 − m*²)) ≈ 10 Glauber time units; one step (N events) is ≈ 2, so
    /// the last 10 of 40 steps are well relaxed. The tolerance is 4 standard errors of the mean plus
    /// the O(1/N) finite-size shift.
    func testEnsembleMeanRelaxesToTheMeanFieldFixedPoint() {
        let model = CurieWeissModel(size: 64, temperature: 1.1, field: 0.1)
        let fixedPoint = model.meanFieldFixedPoint()
        XCTAssertEqual(fixedPoint, tanh((fixedPoint + 0.1) / 1.1), accuracy: 1e-12)
        var runMeans: [Double] = []
        var endTimes: [Double] = []
        for run in 0..<8 {
            let random = RandomStream(seed: 5, stage: "test-curie-weiss", index: UInt64(run))
            var (configuration, _) = model.initialConfiguration(run: run, random: random)
            var late: [Double] = []
            model.simulate(&configuration, steps: 40, random: random) { step, state, time in
                if step > 30 { late.append(model.observables(of: state)[0]) }
                if step == 40 { endTimes.append(time) }
            }
            runMeans.append(late.reduce(0, +) / Double(late.count))
        }
        let mean = runMeans.reduce(0, +) / Double(runMeans.count)
        let variance = runMeans.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(runMeans.count - 1)
        let standardError = (variance / Double(runMeans.count)).squareRoot()
        XCTAssertEqual(mean, fixedPoint, accuracy: 4 * standardError + 1.0 / 4096)
        XCTAssertTrue(endTimes.allSatisfy { $0 > 40 }, "40 steps of N events last ≳ 2 time units each: \(endTimes)")
    }

    /// The exact macroscopic law against direct simulation: from m = −0.5 (N = 32², T = 1.1,
    /// h = 0.1), 8000 whole-system bursts of Glauber time 0.1. Mean increment / h → b(m) up to
    /// the O(h) curvature of the slow collective relaxation (≈ γh/2 ≈ 1 %), increment variance / h
    /// → Σ(m) up to the same; the tolerances are about 3 standard errors plus that.
    func testExactDriftAndDiffusionMatchShortBurstsOfDirectSimulation() {
        let model = CurieWeissModel(size: 32, temperature: 1.1, field: 0.1, initialCondition: .magnetization(-0.5))
        let h = 0.1, replicas = 8000
        let increments: [Double] = (0..<replicas).map { k in
            let random = RandomStream(seed: 4, stage: "bursts", index: UInt64(k))
            var configuration = model.initialConfiguration(run: k, random: random).configuration
            let before = model.observables(of: configuration)[0]
            _ = model.evolveRegion(&configuration, origin: [0, 0], size: [32, 32], for: .time(h), boundary: .periodicWindow, random: random)
            return model.observables(of: configuration)[0] - before
        }
        let mean = increments.reduce(0, +) / Double(replicas)
        let variance = increments.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(replicas - 1)
        let drift = model.exactDrift(at: [-0.5])[0], diffusion = model.exactDiffusion(at: [-0.5])[0]
        XCTAssertEqual(drift, 0.1516, accuracy: 1e-4)
        XCTAssertEqual(mean / h, drift, accuracy: 0.05 * drift, "standard error \((variance / Double(replicas)).squareRoot() / h)")
        XCTAssertEqual(variance / h, diffusion, accuracy: 0.06 * diffusion)
    }

    func testInitialMagnetizationIsExactAndArrangementRandom() {
        let model = CurieWeissModel(size: 10, temperature: 1.1, field: 0.1, initialCondition: .magnetization(0.5))
        let first = model.initialConfiguration(run: 0, random: RandomStream(seed: 1, stage: "init", index: 0))
        let second = model.initialConfiguration(run: 1, random: RandomStream(seed: 1, stage: "init", index: 1))
        XCTAssertEqual(model.observables(of: first.configuration), [0.5])
        XCTAssertEqual(first.parameters, [0.5])
        XCTAssertNotEqual(first.configuration, second.configuration)
    }
}
