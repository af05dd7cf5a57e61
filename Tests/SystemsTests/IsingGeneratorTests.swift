import Foundation
import Random
@testable import Systems
import XCTest

/// `IsingModel.observableMoments`: the drift and covariance rate of (m, ρ) from the flip rates.
final class IsingGeneratorTests: XCTestCase {
    private func randomSpins(_ size: Int, up: Double, random: RandomStream) -> Grid<Int8> {
        Grid(spatialShape: [size, size], values: (0..<(size * size)).map { _ in random.uniform(0, 1) < up ? 1 : -1 })
    }

    /// Against a brute-force sum: every spin flipped in turn, (m, ρ) recomputed whole by
    /// `observables(of:)`, each jump weighted by the Glauber rate of its energy change recomputed
    /// from the energy per spin — no shared formula for Δm, Δρ or ΔH. With a field, at two
    /// temperatures, on lattices of 3 (each spin its own neighbour's neighbour) and 7 sites.
    func testMomentsEqualTheSumOverEveryFlipOfItsRateTimesTheJump() {
        let random = RandomStream(seed: 4, stage: "generator-brute-force")
        for (size, temperature, field) in [(3, 1.5, 0.3), (7, 2.27, 0.0), (7, 4.0, -0.7)] {
            let model = IsingModel(size: size, temperature: temperature, field: field)
            let n = Double(size * size)
            for up in [0.2, 0.5, 0.9] {
                let spins = randomSpins(size, up: up, random: random)
                let before = model.observables(of: spins)
                var drift = [0.0, 0.0], covariance = [0.0, 0.0, 0.0, 0.0]
                for site in 0..<(size * size) {
                    var flipped = spins
                    flipped.values[site] = -flipped.values[site]
                    let after = model.observables(of: flipped)
                    let rate = 1 / (1 + exp((after[2] - before[2]) * n / temperature))
                    let jump = [after[0] - before[0], after[1] - before[1]]
                    for i in 0..<2 {
                        drift[i] += rate * jump[i]
                        for j in 0..<2 { covariance[i * 2 + j] += rate * jump[i] * jump[j] }
                    }
                }
                let moments = model.observableMoments(at: spins)
                for i in 0..<2 { XCTAssertEqual(moments.drift[i], drift[i], accuracy: 1e-12, "L = \(size), T = \(temperature), drift \(i)") }
                for e in 0..<4 { XCTAssertEqual(moments.covariance[e], covariance[e], accuracy: 1e-12, "L = \(size), covariance \(e)") }
            }
        }
    }

    /// The moments are the short-time limit of the sampler itself: 80 000 runs of the n-fold
    /// Glauber sampler on an 8² lattice for Glauber time τ = 0.005 from one configuration give mean
    /// increments Δ and mean products ΔᵢΔⱼ of (m, ρ) that, divided by τ, match the drift and the
    /// covariance rate within 5 standard errors plus 5 % (the O(τ) terms: two flips within τ,
    /// whose rates a first flip changes). A wrong rate, jump or time unit is off by far more (a
    /// factor 2 in the time unit doubles every ratio).
    func testMomentsAreTheShortTimeLimitOfGlauberDynamics() {
        let model = IsingModel(size: 8, temperature: 2.27, field: 0.2)
        let start = randomSpins(8, up: 0.7, random: RandomStream(seed: 5, stage: "generator-start"))
        let moments = model.observableMoments(at: start)
        let z0 = model.observables(of: start)
        let tau = 0.005, runs = 80_000
        // Per run: Δm, Δρ, Δm², ΔmΔρ, Δρ².
        var samples = [[Double]](repeating: [], count: 5)
        for run in 0..<runs {
            var spins = start
            _ = model.evolveRegion(&spins, origin: [0, 0], size: [8, 8], for: .time(tau), boundary: .periodicWindow,
                                   random: RandomStream(seed: 6, stage: "generator-short-time", index: UInt64(run)))
            let z = model.observables(of: spins)
            let (dm, drho) = (z[0] - z0[0], z[1] - z0[1])
            for (k, value) in [dm, drho, dm * dm, dm * drho, drho * drho].enumerated() { samples[k].append(value) }
        }
        let expected = moments.drift + [moments.covariance[0], moments.covariance[1], moments.covariance[3]]
        for (k, name) in ["drift m", "drift ρ", "covariance m m", "covariance m ρ", "covariance ρ ρ"].enumerated() {
            let mean = samples[k].reduce(0, +) / Double(runs)
            let standardError = (samples[k].reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(runs * runs)).squareRoot()
            XCTAssertNotEqual(expected[k], 0, name)
            XCTAssertEqual(mean / tau, expected[k], accuracy: (5 * standardError + 0.05 * abs(mean)) / tau, name)
        }
    }

    /// Heat-bath sweeps have no generator.
    func testHeatBathDynamicsHasNoGenerator() {
        XCTAssertNoThrow(try IsingModel(size: 4, temperature: 2, field: 0).validateGenerator())
        XCTAssertThrowsError(try IsingModel(size: 4, temperature: 2, field: 0, dynamics: .heatBath).validateGenerator()) {
            XCTAssertTrue("\($0)".contains("continuous-time Glauber"), "\($0)")
        }
    }
}
