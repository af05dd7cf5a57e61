import Artifacts
import Foundation
import Random
@testable import Systems
import XCTest

final class AlloyUpsamplingTests: XCTestCase {
    let model = AlloyModel(cells: 4, temperature: 1500, vacancies: 2)

    /// Small configurations with distinct SRO: runs of the pair model from different seeds.
    func pool(_ count: Int) -> [Grid<Int8>] {
        (0..<count).map { run in
            let random = RandomStream(seed: 5, stage: "alloy-pool", index: UInt64(run))
            var configuration = model.initialConfiguration(run: run, random: random).configuration
            model.simulate(&configuration, steps: 1 + run, random: random) { _, _, _ in }
            return configuration
        }
    }

    /// Every tile is its snapshot shifted by whole cells, with its vacancy in the centre cell: the
    /// tile read back as a periodic lattice has exactly the snapshot's SRO; tiles appear in draw
    /// order; the composition is that of eight small lattices.
    func testTilesAreShiftedSnapshotsCentredOnTheirVacancy() {
        let snapshots = pool(8)
        var next = 0
        let large = model.upsample(factor: 2, random: RandomStream(seed: 1, stage: "alloy-tiles")) {
            defer { next += 1 }
            return snapshots[next]
        }
        XCTAssertEqual(next, 8, "one snapshot drawn per tile")
        XCTAssertEqual(large.spatialShape, [8, 8, 8])
        XCTAssertEqual(composition(large.values), composition(snapshots[0].values).map { 8 * $0 })
        for (t, origin) in Grid<Int8>.tilingOrigins(of: [8, 8, 8], patchSize: [4, 4, 4]).enumerated() {
            let tile = large.patch(origin: origin, size: [4, 4, 4])
            for (a, b) in zip(model.observables(of: tile), model.observables(of: snapshots[t])) {
                XCTAssertEqual(a, b, accuracy: 1e-12, "tile \(t)")
            }
            let vacancy = AlloyModel.vacancySites(in: tile.values)
            XCTAssertEqual(vacancy.count, 2)
            let lattice = BCCLattice(shape: [4, 4, 4])
            let centred = vacancy.filter { let cell = lattice.cell(of: $0); return [cell.i, cell.j, cell.k] == [2, 2, 2] }
            XCTAssertEqual(centred.count, 1, "tile \(t): a vacancy in the centre cell")
            let first = lattice.cell(of: AlloyModel.vacancySites(in: snapshots[t].values)[0]).sublattice
            XCTAssertEqual(centred.map { lattice.cell(of: $0).sublattice }, [first], "tile \(t): the snapshot's first vacancy, on its sublattice")
        }
    }

    /// Independent tiles give the large lattice the SRO spread of a large system: the SRO of
    /// 8-tile lattices scatters less than that of single snapshots (by about √8, seams aside).
    func testIndependentTilesNarrowTheSROSpread() {
        let snapshots = pool(64)
        let random = RandomStream(seed: 2, stage: "alloy-spread")
        let larges = (0..<64).map { _ in
            model.upsample(factor: 2, random: random) { snapshots[random.uniformInt(snapshots.count)] }
        }
        func spread(_ grids: [Grid<Int8>]) -> Double {
            let values = grids.map { model.observables(of: $0)[3] }
            let mean = values.reduce(0, +) / Double(values.count)
            return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        }
        XCTAssertLessThan(spread(larges), 0.6 * spread(snapshots))
    }

    /// Tiles of another composition are relabelled to the large lattice's exact composition,
    /// changing only as many sites as the counts differ by.
    func testCompositionIsRelabelledToTheExactOne() {
        var odd = pool(1)[0]
        let niobium = odd.values.indices.filter { odd.values[$0] == AlloySpecies.niobium.rawValue }
        for site in niobium.prefix(5) { odd.values[site] = AlloySpecies.tantalum.rawValue }
        let assembled = model.assembleTiles(factor: 2) { odd }
        let large = model.upsample(factor: 2, random: RandomStream(seed: 3, stage: "alloy-relabel")) { odd }
        XCTAssertEqual(composition(large.values), AlloyModel.exactComposition(sites: 1024, vacancies: 16))
        XCTAssertEqual(zip(assembled.values, large.values).filter { $0 != $1 }.count, 40, "8 tiles × 5 Ta back to Nb")
    }

    /// Windows and patches narrower than 2 cells are refused with a message, not a crash; the alloy
    /// roams, spins do not.
    func testNarrowRegionsAndRoamingSpinsAreRefused() {
        XCTAssertThrowsError(try model.validateRegion([1, 4, 4], boundary: .frozenHalo)) { error in
            XCTAssertTrue(String(describing: error).contains("at least 2 cells"), "\(error)")
        }
        XCTAssertNoThrow(try model.validateRegion([2, 2, 2], boundary: .roaming))
        XCTAssertThrowsError(try IsingModel(size: 8, temperature: 2.5, field: 0).validateRegion([4, 4], boundary: .roaming)) { error in
            XCTAssertTrue(String(describing: error).contains("no movers to roam"), "\(error)")
        }
    }
}
