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

    /// Twelve 4³-cell windows (one or two vacancies each) in lockstep end as each alone: with the
    /// pair model exactly, configuration and time; with NNK the same configurations too, the times to
    /// 10⁻⁵ relative (OpenBLAS rounds a product of 8 columns and one of 8 × 12 differently, so the
    /// batched barriers differ from the single ones in the last float digits — not enough to change
    /// any choice of hop here, but enough to change the times in their seventh digit).
    func testLockstepWindowsEndAsEachAlone() throws {
        for barriers in [AlloyBarriers.pair(.illustrative), .nnk(try NNKBarrierModel.random(seed: 5), path: "random weights", sha256: "none")] {
            let model = AlloyModel(cells: 4, temperature: 2000, vacancies: 2, barriers: barriers)
            let starts = (0..<12).map { i in
                var start = model.initialConfiguration(run: i, random: RandomStream(seed: 6, stage: "alloy-lockstep", index: UInt64(i))).configuration
                if i % 3 == 0 { start.values[start.values.firstIndex(of: 0)!] = 1 }
                return start
            }
            for duration in [RegionDuration.steps(150), .time(3e-9)] {
                func randoms() -> [RandomStream] { (0..<12).map { RandomStream(seed: 7, stage: "alloy-lockstep-run", index: UInt64($0)) } }
                var together = starts, moved = 0
                let times = model.evolveWindows(&together, for: duration, randoms: randoms())
                for (i, random) in randoms().enumerated() {
                    var alone = starts[i]
                    let time = model.evolveRegion(&alone, origin: [0, 0, 0], size: [4, 4, 4], for: duration, boundary: .periodicWindow, random: random)
                    if alone.values != starts[i].values { moved += 1 }
                    XCTAssertEqual(together[i].values, alone.values, "\(barriers.configuration), window \(i), \(duration)")
                    if case .pair = barriers {
                        XCTAssertEqual(times[i], time)
                    } else {
                        XCTAssertEqual(times[i], time, accuracy: 1e-5 * time)
                    }
                }
                XCTAssertGreaterThan(moved, 8, "\(barriers.configuration), \(duration): too few windows moved to compare")
            }
        }
    }
}
