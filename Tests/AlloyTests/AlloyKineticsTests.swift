import Foundation
import Random
@testable import Systems
import XCTest

final class AlloyKineticsTests: XCTestCase {
    let boltzmann = 8.617333e-5

    /// For every hop of every vacancy of a random configuration, E_b = E₀ + ΔE/2 with ΔE the change of
    /// the total pair energy, and forward and backward rates are in the ratio exp(−ΔE/k_BT).
    func testPairModelSatisfiesDetailedBalanceForEveryHop() {
        let geometry = TestLattice(shape: [3, 3, 4])
        let lattice = BCCLattice(shape: geometry.shape)
        let model = PairBarrierModel.illustrative
        let occupation = geometry.randomOccupation(vacancies: 6, niobium: 22, molybdenum: 22, seed: 3)
        let kT = boltzmann * 900
        var checked = 0
        for vacancy in occupation.indices where occupation[vacancy] == 0 {
            let forward = model.barriers(ofVacancyAt: vacancy, on: lattice, occupation: occupation)
            for direction in 0..<8 {
                let target = geometry.neighbour(vacancy, direction)
                XCTAssertEqual(lattice.neighbour(of: vacancy, direction: direction), target)
                guard occupation[target] != 0 else {
                    XCTAssertEqual(forward[direction], .infinity, "a hop onto a vacancy has no finite barrier")
                    continue
                }
                var after = occupation
                after.swapAt(vacancy, target)
                let change = geometry.energy(after, model) - geometry.energy(occupation, model)
                let backward = model.barriers(ofVacancyAt: target, on: lattice, occupation: after)[7 - direction]
                XCTAssertEqual(forward[direction], model.baseBarrier + change / 2, accuracy: 1e-12)
                let ratio = exp(-forward[direction] / kT) / exp(-backward / kT)
                XCTAssertEqual(ratio, exp(-change / kT), accuracy: 1e-10 * ratio)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 40)
    }

    /// A 2 × 2 × 3-cell box (24 sites) holding one vacancy, one Ta, two Mo and twenty Nb: the
    /// time-weighted means of the energy and of the vacancy–Ta contact (each state weighted by its mean
    /// holding time 1/R) against exact Boltzmann averages over all 127,512 arrangements, within five
    /// standard errors from 20 batch means.
    func testTimeWeightedOccupationMatchesBoltzmannEnumeration() {
        let geometry = TestLattice(shape: [2, 2, 3])
        let lattice = BCCLattice(shape: geometry.shape)
        let model = PairBarrierModel.illustrative
        let beta = 1 / (boltzmann * 700)
        let bonds = geometry.bonds
        func observables(_ occupation: [Int8]) -> (energy: Double, contact: Double) {
            var energy = 0.0, contact = 0.0
            for (a, b) in bonds {
                energy += model.pairEnergy(occupation[a], occupation[b])
                if (occupation[a] == 0 && occupation[b] == 3) || (occupation[a] == 3 && occupation[b] == 0) { contact = 1 }
            }
            return (energy, contact)
        }

        var partition = 0.0, exactEnergy = 0.0, exactContact = 0.0
        let sites = geometry.siteCount
        var occupation = [Int8](repeating: 1, count: sites)
        for vacancy in 0..<sites {
            for tantalum in 0..<sites where tantalum != vacancy {
                for first in 0..<sites where first != vacancy && first != tantalum {
                    for second in (first + 1)..<sites where second != vacancy && second != tantalum {
                        occupation[vacancy] = 0; occupation[tantalum] = 3; occupation[first] = 2; occupation[second] = 2
                        let (energy, contact) = observables(occupation)
                        let weight = exp(-beta * energy)
                        partition += weight
                        exactEnergy += weight * energy
                        exactContact += weight * contact
                        occupation[vacancy] = 1; occupation[tantalum] = 1; occupation[first] = 1; occupation[second] = 1
                    }
                }
            }
        }
        exactEnergy /= partition
        exactContact /= partition

        occupation = geometry.randomOccupation(vacancies: 1, niobium: 20, molybdenum: 2, seed: 11)
        let random = RandomStream(seed: 12, stage: "alloy-boltzmann")
        var sampler = VacancyKineticMonteCarlo(lattice: lattice, barriers: model, temperature: 700,
                                               occupation: occupation, vacancies: AlloyModel.vacancySites(in: occupation))
        let batches = 20, hopsPerBatch = 5_000
        var energyMeans: [Double] = [], contactMeans: [Double] = []
        for _ in 0..<batches {
            var weight = 0.0, energy = 0.0, contact = 0.0
            for _ in 0..<hopsPerBatch {
                let holding = 1 / sampler.totalRate
                let values = observables(occupation)
                weight += holding
                energy += holding * values.energy
                contact += holding * values.contact
                sampler.run(hops: 1, occupation: &occupation, random: random)
            }
            energyMeans.append(energy / weight)
            contactMeans.append(contact / weight)
        }
        func check(_ means: [Double], _ exact: Double, _ name: String) {
            let mean = means.reduce(0, +) / Double(means.count)
            let variance = means.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(means.count - 1)
            let standardError = (variance / Double(means.count)).squareRoot()
            XCTAssertEqual(mean, exact, accuracy: 5 * standardError, "\(name): KMC \(mean) ± \(standardError), exact \(exact)")
            XCTAssertLessThan(standardError, 0.05 * max(abs(exact), 0.05), "\(name): too few hops to test anything")
        }
        check(energyMeans, exactEnergy, "energy")
        check(contactMeans, exactContact, "vacancy–Ta contact")
    }

    /// The sum tree picks the channel whose cumulative interval holds the target, skips channels of
    /// rate 0 even at the edges of intervals, and keeps its total exact under updates.
    func testRateSumTreeSelectsByCumulativeRate() {
        var tree = RateSumTree(count: 16)
        tree.set(group: 0, rates: [0, 1, 0, 0, 2, 0, 0, 0])
        tree.set(group: 1, rates: [0, 0, 0, 0, 0, 0, 0, 4])
        XCTAssertEqual(tree.total, 7)
        let expected: [(Double, Int)] = [(0, 1), (0.999, 1), (1, 4), (2.5, 4), (3, 15), (6.999, 15), (7 - 1e-15, 15)]
        for (target, channel) in expected { XCTAssertEqual(tree.channel(at: target), channel, "target \(target)") }
        tree.set(group: 1, rates: SIMD8(repeating: 0))
        XCTAssertEqual(tree.total, 3)
        XCTAssertEqual(tree.channel(at: 3 - 1e-16), 4)
    }

    /// The same stream gives the same trajectory, hop for hop and second for second.
    func testSimulationIsReproducible() {
        let model = AlloyModel(cells: 4, temperature: 1800, vacancies: 2)
        func trajectory() -> [([Int8], Double)] {
            let random = RandomStream(seed: 13, stage: "alloy-reproducible", index: 2)
            var (configuration, _) = model.initialConfiguration(run: 2, random: random)
            var records: [([Int8], Double)] = []
            model.simulate(&configuration, steps: 3, random: random) { _, state, time in records.append((state.values, time)) }
            return records
        }
        let first = trajectory(), second = trajectory()
        XCTAssertEqual(first.map(\.0), second.map(\.0))
        XCTAssertEqual(first.map(\.1), second.map(\.1))
    }

    /// Two adjacent vacancies: every hop moves exactly one atom onto a vacancy (two sites change),
    /// and the vacancies stay on distinct sites of code 0.
    func testNoHopLandsOnAVacancy() {
        let geometry = TestLattice(shape: [3, 3, 3])
        let lattice = BCCLattice(shape: geometry.shape)
        var occupation = geometry.randomOccupation(vacancies: 0, niobium: 18, molybdenum: 18, seed: 5)
        occupation[0] = 0
        occupation[geometry.neighbour(0, 7)] = 0
        let random = RandomStream(seed: 6, stage: "alloy-vacancy-pair")
        var sampler = VacancyKineticMonteCarlo(lattice: lattice, barriers: PairBarrierModel.illustrative, temperature: 2500,
                                               occupation: occupation, vacancies: AlloyModel.vacancySites(in: occupation))
        var adjacent = 0
        for _ in 0..<2_000 {
            let before = occupation
            if geometry.squaredDistance(sampler.vacancies[0], sampler.vacancies[1]) == 3 { adjacent += 1 }
            sampler.run(hops: 1, occupation: &occupation, random: random)
            XCTAssertEqual(zip(before, occupation).filter { $0 != $1 }.count, 2)
            XCTAssertEqual(Set(sampler.vacancies).count, 2)
            XCTAssertTrue(sampler.vacancies.allSatisfy { occupation[$0] == 0 })
        }
        XCTAssertEqual(sampler.hops, 2_000)
        XCTAssertGreaterThan(adjacent, 20, "the vacancies should often be neighbours for the test to bite")
    }

    /// `simulate` and `evolveRegion` (both boundaries, hops and time) keep every species' count.
    func testCompositionIsConservedExactly() {
        let model = AlloyModel(cells: 4, temperature: 1500, vacancies: 3)
        let random = RandomStream(seed: 7, stage: "alloy-composition")
        var (configuration, _) = model.initialConfiguration(run: 0, random: random)
        let start = composition(configuration.values)
        XCTAssertEqual(start, [3, 42, 42, 41], "125 atoms: 41 of each element, the two left over to Nb and Mo")
        model.simulate(&configuration, steps: 2, random: random) { _, state, time in
            XCTAssertEqual(composition(state.values), start)
            XCTAssertGreaterThan(time, 0)
        }
        for boundary in RegionBoundary.allCases {
            for duration in [RegionDuration.steps(300), .time(1e-9)] {
                let elapsed = model.evolveRegion(&configuration, origin: [3, 0, 1], size: [2, 3, 4], for: duration,
                                                 boundary: boundary, random: random)
                XCTAssertEqual(composition(configuration.values), start, "\(boundary), \(duration)")
                if case .time(let span) = duration { XCTAssertEqual(elapsed, span) }
            }
        }
    }

    /// Evolving a block (wrapping around the lattice) changes nothing outside it, with either boundary;
    /// with a frozen halo the vacancies outside stay put.
    func testRegionEvolutionLeavesTheRestUntouched() {
        let geometry = TestLattice(shape: [6, 6, 6])
        let model = AlloyModel(cells: 6, temperature: 2000)
        let origin = [5, 1, 4], size = [3, 2, 3]
        let inside = { geometry.isInBlock($0, origin: origin, size: size) }
        for boundary in [RegionBoundary.periodicWindow, .frozenHalo] {
            let start = geometry.randomOccupation(vacancies: 30, niobium: 130, molybdenum: 130, seed: 8)
            var configuration = Grid(components: 2, spatialShape: [6, 6, 6], values: start)
            let random = RandomStream(seed: 9, stage: "alloy-region")
            _ = model.evolveRegion(&configuration, origin: origin, size: size, for: .steps(400), boundary: boundary, random: random)
            let changed = start.indices.filter { start[$0] != configuration.values[$0] }
            XCTAssertFalse(changed.isEmpty, "\(boundary): nothing moved")
            XCTAssertTrue(changed.allSatisfy(inside), "\(boundary): a site outside the block changed")
        }
    }

    /// With the roaming boundary the vacancies that start in the block hop anywhere — out of it
    /// too — while every other vacancy stays where it is and the composition is kept.
    func testRoamingMovesOnlyTheBlocksVacancies() {
        let geometry = TestLattice(shape: [6, 6, 6])
        let model = AlloyModel(cells: 6, temperature: 2000)
        let origin = [5, 1, 4], size = [2, 2, 2]
        let inside = { geometry.isInBlock($0, origin: origin, size: size) }
        let start = geometry.randomOccupation(vacancies: 12, niobium: 140, molybdenum: 140, seed: 10)
        var configuration = Grid(components: 2, spatialShape: [6, 6, 6], values: start)
        _ = model.evolveRegion(&configuration, origin: origin, size: size, for: .steps(2000), boundary: .roaming,
                               random: RandomStream(seed: 11, stage: "alloy-roaming"))
        let outsideVacancies = start.indices.filter { start[$0] == 0 && !inside($0) }
        XCTAssertFalse(start.indices.filter { start[$0] == 0 && inside($0) }.isEmpty, "the block holds a vacancy to roam")
        XCTAssertTrue(outsideVacancies.allSatisfy { configuration.values[$0] == 0 }, "a vacancy outside the block moved")
        XCTAssertTrue(start.indices.contains { start[$0] != configuration.values[$0] && !inside($0) }, "the roaming vacancy never left the block")
        XCTAssertEqual(composition(configuration.values), composition(start))
    }
}

extension TestLattice {
    /// Whether `site` lies in the block of `size` cells at `origin`, wrapping periodically.
    func isInBlock(_ site: Int, origin: [Int], size: [Int]) -> Bool {
        let cell: [Int] = voxel(site).map { $0 / 2 }
        return (0..<3).allSatisfy { (axis: Int) -> Bool in
            let extent = shape[axis], offset = (cell[axis] - origin[axis]) % extent
            return (offset + extent) % extent < size[axis]
        }
    }

    /// The squared voxel distance between two sites, shortest periodic image per axis.
    func squaredDistance(_ a: Int, _ b: Int) -> Int {
        zip(zip(voxel(a), voxel(b)), shape).reduce(0) { sum, pair in
            let extent = 2 * pair.1, delta = ((pair.0.0 - pair.0.1) % extent + extent) % extent
            return sum + min(delta, extent - delta) * min(delta, extent - delta)
        }
    }
}
