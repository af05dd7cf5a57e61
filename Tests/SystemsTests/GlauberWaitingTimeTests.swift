import Foundation
import Random
@testable import Systems
import XCTest

/// The Glauber samplers' clocks against an exact law: at infinite temperature every spin flips at
/// rate 1/2 whatever the configuration, so the total rate is N/2 at every event and the time of E
/// events is a sum of E independent Exp(N/2) waiting times — mean 2E/N, standard deviation 2√E/N.
final class GlauberWaitingTimeTests: XCTestCase {
    private let events = 100_000

    private func assertGammaTime(_ time: Double, sites: Int, _ label: String) {
        let mean = 2 * Double(events) / Double(sites), sd = 2 * Double(events).squareRoot() / Double(sites)
        XCTAssertEqual(time, mean, accuracy: 4 * sd, label)
    }

    func testIsingNFoldClockAtInfiniteTemperature() {
        let model = IsingModel(size: 8, temperature: 1e9, field: 0)
        let random = RandomStream(seed: 5, stage: "test-clock")
        let spins = (0..<64).map { _ in random.uniform() < 0.5 ? Int8(1) : Int8(-1) }
        let sampler = NFoldGlauber(model: model, spins: spins, rows: 8, columns: 8)
        XCTAssertEqual(sampler.totalRate, 32, accuracy: 1e-6)
        sampler.run(events: events, random: random)
        assertGammaTime(sampler.time, sites: 64, "Ising")
    }

    func testCurieWeissClockAtInfiniteTemperature() {
        let model = CurieWeissModel(size: 8, temperature: 1e9, field: 0)
        let random = RandomStream(seed: 6, stage: "test-clock")
        let spins = (0..<64).map { _ in random.uniform() < 0.5 ? Int8(1) : Int8(-1) }
        let sampler = CurieWeissGlauber(model: model, spins: spins, background: (0, 0))
        sampler.run(events: events, random: random)
        assertGammaTime(sampler.time, sites: 64, "Curie–Weiss")
    }

    /// Run for a span of time T, the clock stops at T exactly; at infinite temperature each spin
    /// flips as a Poisson process of rate 1/2, so it has flipped an odd number of times with
    /// probability (1 − e^(−T))/2 (0.316 at T = 1).
    func testIsingSpanOfTimeFlipsTheExactFraction() {
        let model = IsingModel(size: 64, temperature: 1e9, field: 0)
        let random = RandomStream(seed: 7, stage: "test-clock")
        let spins = [Int8](repeating: 1, count: 4096)
        let sampler = NFoldGlauber(model: model, spins: spins, rows: 64, columns: 64)
        sampler.run(for: .time(1), random: random)
        XCTAssertEqual(sampler.time, 1)
        let flipped = Double(sampler.spins.filter { $0 < 0 }.count) / 4096
        // Binomial(4096, 0.316): standard deviation 0.0073.
        XCTAssertEqual(flipped, (1 - exp(-1)) / 2, accuracy: 4 * 0.0073)
    }
}
