import Random
@testable import Systems
import XCTest

/// Barriers evaluated in batches (`BarrierBatch`) and chains run in lockstep against the same
/// vacancies and chains one at a time.
final class AlloyBatchTests: XCTestCase {
    /// The barriers of 40 vacancies (some adjacent) evaluated in one batch, with the batch reused
    /// after a smaller one, agree with each vacancy's own to 10⁻⁵ eV, `+∞` where the same.
    func testBatchedNNKBarriersAgreeWithSingleOnes() throws {
        let network = try NNKBarrierModel.random(seed: 3)
        let geometry = TestLattice(shape: [6, 6, 6])
        let occupation = geometry.randomOccupation(vacancies: 40, niobium: 130, molybdenum: 130, seed: 4)
        let lattice = BCCLattice(shape: geometry.shape)
        let vacancies = occupation.indices.filter { occupation[$0] == 0 }
        XCTAssertTrue(vacancies.contains { v in (0..<8).contains { occupation[geometry.neighbour(v, $0)] == 0 } }, "two vacancies are neighbours")
        let batch = BarrierBatch()
        for vacancy in vacancies.prefix(3) { network.addVacancy(at: vacancy, on: lattice, occupation: occupation, to: batch) }
        network.evaluate(batch)
        batch.removeAll()
        for vacancy in vacancies { network.addVacancy(at: vacancy, on: lattice, occupation: occupation, to: batch) }
        network.evaluate(batch)
        XCTAssertEqual(batch.count, vacancies.count)
        var spread: [Double] = []
        for (v, vacancy) in vacancies.enumerated() {
            let single = network.barriers(ofVacancyAt: vacancy, on: lattice, occupation: occupation)
            for direction in 0..<8 {
                if single[direction].isInfinite {
                    XCTAssertEqual(batch.barriers[v][direction], .infinity)
                } else {
                    XCTAssertEqual(batch.barriers[v][direction], single[direction], accuracy: 1e-5, "vacancy \(vacancy), direction \(direction)")
                    spread.append(single[direction])
                }
            }
        }
        XCTAssertGreaterThan((spread.max() ?? 0) - (spread.min() ?? 0), 0.05, "barriers that hardly vary would not test the gathering")
    }

    /// Twelve configurations of 6³ cells (26 or 27 vacancies, every block holding some),
    /// their 3³-cell blocks at different origins evolved in lockstep (`evolveRegions`, durations
    /// differing from chain to chain) with every boundary, end as each evolved alone: with the pair
    /// model exactly, configuration and time; with NNK the same configurations too, the times to
    /// 10⁻⁵ relative (OpenBLAS rounds a product of 8 columns and one of 8 × 12 differently, so the
    /// batched barriers differ from the single ones in the last float digits — not enough to change
    /// any choice of hop here, but enough to change the times in their seventh digit).
    func testLockstepRegionsEndAsEachAlone() throws {
        for barriers in [AlloyBarriers.pair(.illustrative), .nnk(try NNKBarrierModel.random(seed: 5), path: "random weights", sha256: "none")] {
            let model = AlloyModel(cells: 6, temperature: 2000, vacancies: 27, barriers: barriers)
            let starts = (0..<12).map { i in
                var start = model.initialConfiguration(run: i, random: RandomStream(seed: 6, stage: "alloy-lockstep", index: UInt64(i))).configuration
                if i % 4 == 0 { start.values[start.values.firstIndex(of: 0)!] = 1 }
                return start
            }
            let origins = (0..<12).map { [$0 % 6, (2 * $0) % 6, 5 - $0 % 6] }
            for boundary in RegionBoundary.allCases {
                for durations in [(0..<12).map { RegionDuration.steps(100 + 10 * $0) }, (0..<12).map { RegionDuration.time(Double(1 + $0 % 3) * 1e-9) }] {
                    func randoms() -> [RandomStream] { (0..<12).map { RandomStream(seed: 7, stage: "alloy-lockstep-run", index: UInt64($0)) } }
                    var together = starts, moved = 0
                    let times = model.evolveRegions(&together, origins: origins, size: [3, 3, 3], for: durations, boundary: boundary, randoms: randoms())
                    for (i, random) in randoms().enumerated() {
                        var alone = starts[i]
                        let time = model.evolveRegion(&alone, origin: origins[i], size: [3, 3, 3], for: durations[i], boundary: boundary, random: random)
                        if alone.values != starts[i].values { moved += 1 }
                        let label = "\(barriers.configuration), \(boundary), chain \(i), \(durations[i])"
                        XCTAssertEqual(together[i].values, alone.values, label)
                        if case .pair = barriers {
                            XCTAssertEqual(times[i], time, label)
                        } else {
                            XCTAssertEqual(times[i], time, accuracy: 1e-5 * time, label)
                        }
                    }
                    XCTAssertGreaterThan(moved, 9, "\(barriers.configuration), \(boundary), \(durations[0]): too few chains moved to compare")
                }
            }
        }
    }

    /// Two vacancies walked 100 hops out in turn (never undoing the latest hop) and then back along
    /// their path: every state on the way back has the rates it had on the way out and those of a
    /// sampler built afresh on it — exactly with the pair model, to float rounding with NNK where
    /// they are recomputed in other batches. The latest hops remembered (`HopHistory`: at least half
    /// its depth) are undone without evaluating a barrier, restoring the rates bit for bit; the
    /// earlier ones recompute theirs.
        func testRetracedHopsRestoreTheRatesOfTheStatesLeft() throws {
        for barriers in [AlloyBarriers.pair(.illustrative), .nnk(try NNKBarrierModel.random(seed: 8), path: "random weights", sha256: "none")] {
            let model = AlloyModel(cells: 5, temperature: 2000, vacancies: 2, barriers: barriers)
            var occupation = model.initialConfiguration(run: 0, random: RandomStream(seed: 9, stage: "alloy-retrace")).configuration.values
            let lattice = BCCLattice(shape: [5, 5, 5])
            var sampler = VacancyKineticMonteCarlo(lattice: lattice, barriers: barriers.model, temperature: 2000, occupation: occupation,
                                                   vacancies: AlloyModel.vacancySites(in: occupation))
            let batch = BarrierBatch()
            func hop(_ channel: Int) {
                batch.removeAll()
                sampler.hop(channel, occupation: &occupation, batch: batch)
                barriers.model.evaluate(batch)
                sampler.refreshStale(from: batch, occupation: occupation)
            }
            func freshTotal() -> Double {
                VacancyKineticMonteCarlo(lattice: lattice, barriers: barriers.model, temperature: 2000, occupation: occupation,
                                         vacancies: sampler.vacancies).totalRate
            }
            var path: [Int] = [], totals = [sampler.totalRate], states = [occupation]
            for step in 0..<100 {
                let v = step % 2, site = sampler.vacancies[v]
                let direction = (0..<8).map { ($0 + 3 * step) % 8 }.first { d in
                    occupation[lattice.neighbour(of: site, direction: d)] != 0 && path.last.map { $0 != 8 * v + BCCLattice.reverse(ofDirection: d) } ?? true
                }!
                path.append(8 * v + direction)
                hop(8 * v + direction)
                totals.append(sampler.totalRate)
                states.append(occupation)
            }
            var restored = 0
            for (back, channel) in path.enumerated().reversed() {
                hop(8 * (channel / 8) + BCCLattice.reverse(ofDirection: channel % 8))
                if batch.count == 0 { restored += 1 }
                XCTAssertEqual(occupation, states[back], "\(barriers.configuration), back to state \(back)")
                if case .pair = barriers {
                    XCTAssertEqual(sampler.totalRate, totals[back], "state \(back)")
                    XCTAssertEqual(sampler.totalRate, freshTotal(), "state \(back)")
                } else {
                    XCTAssertEqual(sampler.totalRate, totals[back], accuracy: batch.count == 0 ? 0 : 1e-5 * totals[back], "state \(back)")
                    XCTAssertEqual(sampler.totalRate, freshTotal(), accuracy: 1e-5 * freshTotal(), "state \(back)")
                }
            }
            XCTAssertTrue((HopHistory.depth / 2...HopHistory.depth).contains(restored), "\(restored) hops back restored their rates")
        }
    }
}
