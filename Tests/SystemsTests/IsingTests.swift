import Foundation
import Random
@testable import Systems
import XCTest

final class IsingTests: XCTestCase {
    /// Onsager's spontaneous magnetization (1 − sinh⁻⁴(2β))^{1/8} for T < T_c.
    func onsagerMagnetization(temperature: Double) -> Double {
        pow(1 - pow(sinh(2 / temperature), -4), 0.125)
    }

    /// Exact energy per spin of the infinite square lattice (Onsager):
    /// u = −coth(2β)[1 + (2/π)(2 tanh²(2β) − 1) K(κ)], κ = 2 sinh(2β)/cosh²(2β),
    /// with the complete elliptic integral K(κ) = π / (2 AGM(1, √(1 − κ²))).
    func onsagerEnergy(temperature: Double) -> Double {
        let twoBeta = 2 / temperature
        let kappa = 2 * sinh(twoBeta) / pow(cosh(twoBeta), 2)
        var (a, g) = (1.0, (1 - kappa * kappa).squareRoot())
        for _ in 0..<40 { (a, g) = ((a + g) / 2, (a * g).squareRoot()) }
        let ellipticK = Double.pi / (2 * a)
        return -(1 / tanh(twoBeta)) * (1 + (2 / Double.pi) * (2 * pow(tanh(twoBeta), 2) - 1) * ellipticK)
    }

    func testExactReferenceValues() {
        // Known values at T = 2: ⟨|m|⟩ ≈ 0.91132, u ≈ −1.74556.
        XCTAssertEqual(onsagerMagnetization(temperature: 2), 0.91132, accuracy: 1e-4)
        XCTAssertEqual(onsagerEnergy(temperature: 2), -1.74556, accuracy: 1e-4)
    }

    /// Heat-bath sweeps at T = 2.0, L = 32. The correlation length there is about one lattice
    /// spacing, so finite-size corrections at L = 32 are exponentially small (≪ 0.1 %); with 2000
    /// sweeps the statistical error of ⟨|m|⟩ is ~0.1 % and of u ~0.05 %, so 2 % and 1 % leave room
    /// while still failing for any wrong rate, sign or neighbour bug (T = 2.1 alone moves m by 4 %).
    func testHeatBathReachesOnsagerValuesInTheOrderedPhase() {
        let model = IsingModel(size: 32, temperature: 2.0, field: 0, dynamics: .heatBath)
        var spins = Grid<Int8>(spatialShape: [32, 32], repeating: 1)
        let random = RandomStream(seed: 1, stage: "test-heat-bath")
        var absM = 0.0, energy = 0.0, samples = 0
        model.simulate(&spins, steps: 2300, random: random) { step, configuration, _ in
            guard step > 300 else { return }
            let o = model.observables(of: configuration)
            absM += abs(o[0]); energy += o[2]; samples += 1
        }
        XCTAssertEqual(absM / Double(samples), onsagerMagnetization(temperature: 2), accuracy: 0.02 * 0.91132)
        XCTAssertEqual(energy / Double(samples), onsagerEnergy(temperature: 2), accuracy: 0.01 * 1.74556)
    }

    /// Continuous-time Glauber at T = 2.0, L = 32. Records taken every N events sample the jump
    /// chain, whose stationary law is π(x)R(x)/⟨R⟩; weighting each record by its mean holding time
    /// 1/R(x) recovers equilibrium averages. Same tolerances as the heat-bath test.
    func testNFoldGlauberReachesOnsagerValuesInTheOrderedPhase() {
        let model = IsingModel(size: 32, temperature: 2.0, field: 0)
        let sampler = NFoldGlauber(model: model, spins: [Int8](repeating: 1, count: 32 * 32), rows: 32, columns: 32)
        let random = RandomStream(seed: 2, stage: "test-glauber")
        sampler.run(events: 200 * 1024, random: random)
        var weight = 0.0, absM = 0.0, energy = 0.0
        for _ in 0..<1200 {
            sampler.run(events: 1024, random: random)
            let o = model.observables(of: Grid(spatialShape: [32, 32], values: sampler.spins))
            let holding = 1 / sampler.totalRate
            weight += holding; absM += holding * abs(o[0]); energy += holding * o[2]
        }
        XCTAssertEqual(absM / weight, onsagerMagnetization(temperature: 2), accuracy: 0.02 * 0.91132)
        XCTAssertEqual(energy / weight, onsagerEnergy(temperature: 2), accuracy: 0.01 * 1.74556)
    }

    func testGlauberRatesSatisfyDetailedBalanceInEveryEnvironment() {
        for temperature in [1.5, 2.5] {
            for field in [0.0, 0.1, -0.3] {
                let model = IsingModel(size: 4, temperature: temperature, field: field)
                for spin in [-1, 1] {
                    for neighbourSum in stride(from: -4, through: 4, by: 2) {
                        // Flipping s → −s keeps the neighbours, so the reverse move is −s with the same sum.
                        let forward = model.flipEnergyChange(spin: spin, neighbourSum: neighbourSum)
                        let reverse = model.flipEnergyChange(spin: -spin, neighbourSum: neighbourSum)
                        XCTAssertEqual(reverse, -forward)
                        let ratio = glauberRate(beta: model.beta, energyChange: forward) / glauberRate(beta: model.beta, energyChange: reverse)
                        XCTAssertEqual(ratio, exp(-model.beta * forward), accuracy: 1e-12 * ratio)
                    }
                }
            }
        }
    }

    /// The class chosen per event must follow (members × rate) / total: chi-square over 10 classes;
    /// within a class every member must be equally likely.
    func testNFoldClassSelectionFrequenciesMatchRateWeights() {
        let model = IsingModel(size: 16, temperature: 2.5, field: 0.1)
        let random = RandomStream(seed: 3, stage: "test-selection")
        let spins = (0..<256).map { _ in random.uniform() < 0.6 ? Int8(1) : Int8(-1) }
        let sampler = NFoldGlauber(model: model, spins: spins, rows: 16, columns: 16)
        let total = sampler.totalRate
        XCTAssertEqual(sampler.select(uniform: 0.5).total, total, accuracy: 1e-9 * total)
        let draws = 200_000
        var observed = [Int](repeating: 0, count: 10)
        var memberHits = [Int: [Int]]()
        for _ in 0..<draws {
            let (c, member, _) = sampler.select(uniform: random.uniform())
            observed[c] += 1
            memberHits[c, default: [Int](repeating: 0, count: sampler.counts[c])][member] += 1
        }
        var chiSquare = 0.0, degrees = -1
        for c in 0..<10 where sampler.counts[c] > 0 {
            let expected = Double(draws) * Double(sampler.counts[c]) * sampler.classRates[c] / total
            chiSquare += pow(Double(observed[c]) - expected, 2) / expected
            degrees += 1
        }
        XCTAssertGreaterThanOrEqual(degrees, 5, "a random configuration occupies most classes")
        // 99.9th percentile of χ² with ≤ 9 degrees of freedom is 27.9.
        XCTAssertLessThan(chiSquare, 27.9)
        for c in 0..<10 where sampler.counts[c] == 0 { XCTAssertEqual(observed[c], 0, "empty class \(c) chosen") }
        // Members of the most populated class: chi-square against uniform.
        let biggest = (0..<10).max { sampler.counts[$0] < sampler.counts[$1] }!
        let hits = memberHits[biggest]!
        let expected = Double(observed[biggest]) / Double(hits.count)
        let memberChiSquare = hits.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
        let dof = Double(hits.count - 1)
        // Normal approximation of χ²: mean dof, sd √(2 dof); 4 sd is far beyond chance.
        XCTAssertLessThan(memberChiSquare, dof + 4 * (2 * dof).squareRoot(), "members of class \(biggest)")
    }

    func testClassBookkeepingStaysConsistentAfterManyEvents() {
        let model = IsingModel(size: 8, temperature: 2.3, field: 0.05)
        let random = RandomStream(seed: 4, stage: "test-bookkeeping")
        let sampler = NFoldGlauber(model: model, spins: (0..<64).map { $0 % 3 == 0 ? 1 : -1 }, rows: 8, columns: 8)
        sampler.run(events: 5000, random: random)
        // Rebuilding the classes from scratch must give the same occupation numbers.
        let rebuilt = NFoldGlauber(model: model, spins: sampler.spins, rows: 8, columns: 8)
        XCTAssertEqual(sampler.counts, rebuilt.counts)
        XCTAssertEqual(sampler.counts.reduce(0, +), 64)
        XCTAssertGreaterThan(sampler.time, 0)
    }

    func testObservablesOfSimpleConfigurations() {
        let model = IsingModel(size: 4, temperature: 2.5, field: 0.1)
        let allUp = Grid<Int8>(spatialShape: [4, 4], repeating: 1)
        XCTAssertEqual(model.observables(of: allUp), [1, 0, -2 - 0.1])
        // Checkerboard: every bond is a domain wall, ρ = 1, m = 0, energy +2.
        let checkerboard = Grid<Int8>(spatialShape: [4, 4], values: (0..<16).map { ($0 / 4 + $0 % 4) % 2 == 0 ? 1 : -1 })
        XCTAssertEqual(model.observables(of: checkerboard), [0, 1, 2])
        // Two stripes of width 2 along x: walls only on vertical bonds between stripes → ρ = 1/4.
        let stripes = Grid<Int8>(spatialShape: [4, 4], values: (0..<16).map { ($0 / 4) < 2 ? 1 : -1 })
        XCTAssertEqual(model.observables(of: stripes)[1], 0.25)
    }
}
