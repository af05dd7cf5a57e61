import Foundation
import Random
@testable import Stages
import Systems
import XCTest

final class PatchMeasurementTests: XCTestCase {
    /// Snapshots of an alloy of 6³ cells and, per snapshot, two evolutions of a 3³-cell tile with
    /// the frozen halo (K = 8), at the tiles the entries name.
    func evolvedAlloy() -> (AlloyModel, [Grid<Int8>], EvolvedPatches<Int8>) {
        let model = AlloyModel(cells: 6, temperature: 2000, vacancies: 8)
        let random = RandomStream(seed: 4, stage: "patch-measurement")
        let origins = Grid<Int8>.tilingOrigins(of: [6, 6, 6], patchSize: [3, 3, 3])
        var snapshots: [Grid<Int8>] = [], before: [Grid<Int8>] = [], after: [Grid<Int8>] = [], origin: [[Int]] = []
        for j in 0..<2 {
            var snapshot = model.initialConfiguration(run: j, random: random).configuration
            model.simulate(&snapshot, steps: 1, random: random) { _, _, _ in }
            snapshots.append(snapshot)
            for replica in 0..<2 {
                let tile = origins[(3 * j + 5 * replica) % origins.count]
                var evolved = snapshot
                _ = model.evolveRegion(&evolved, origin: tile, size: [3, 3, 3], for: .steps(200), boundary: .frozenHalo, random: random)
                before.append(snapshot.patch(origin: tile, size: [3, 3, 3]))
                after.append(evolved.patch(origin: tile, size: [3, 3, 3]))
                origin.append(tile)
            }
        }
        return (model, snapshots, EvolvedPatches(before: before, after: after, origin: origin, dt: [1, 1, 1, 1], replicas: 2))
    }

    /// The alloy's patches are measured in place: the estimated increment is K times the change of
    /// the whole lattice's SRO with the tile written back at its origin — bonds across the tile's
    /// boundary included — and the naive baseline still reads the tile alone.
    func testAlloyPatchesAreMeasuredInTheLargeLattice() throws {
        let (model, snapshots, patches) = evolvedAlloy()
        let measured = try PatchMeasurement(model, snapshots: snapshots, patches: patches) { grids, system in grids.map(system.observables(of:)) }
        var differsFromTheTileAlone = false
        for e in 0..<4 {
            var whole = snapshots[e / 2]
            whole.insert(patches.after[e], at: patches.origin[e])
            let expected = zip(model.observables(of: whole), model.observables(of: snapshots[e / 2])).map { 8 * ($0 - $1) }
            let increment = zip(measured.after[e], measured.before[e]).map { $0 - $1 }
            for (a, b) in zip(increment, expected) { XCTAssertEqual(a, b, accuracy: 1e-9, "entry \(e)") }
            XCTAssertEqual(measured.patchAfter[e], model.observables(of: patches.after[e]))
            let alone = zip(model.observables(of: patches.after[e]), model.observables(of: patches.before[e])).map { $0 - $1 }
            differsFromTheTileAlone = differsFromTheTileAlone || zip(alone, expected).contains { abs($0 - $1) > 1e-6 }
        }
        XCTAssertTrue(differsFromTheTileAlone, "the boundary bonds make a difference on a 3³-cell tile")
    }

    /// Systems whose observables are site averages read each patch alone, as before.
    func testSpinPatchesAreMeasuredAlone() throws {
        let model = IsingModel(size: 8, temperature: 2.5, field: 0)
        let random = RandomStream(seed: 5, stage: "patch-measurement-ising")
        let snapshot = model.initialConfiguration(run: 0, random: random).configuration
        var evolved = snapshot
        _ = model.evolveRegion(&evolved, origin: [4, 0], size: [4, 4], for: .steps(16), boundary: .frozenHalo, random: random)
        let patches = EvolvedPatches(before: [snapshot.patch(origin: [4, 0], size: [4, 4])], after: [evolved.patch(origin: [4, 0], size: [4, 4])],
                                     origin: [[4, 0]], dt: [1])
        let measured = try PatchMeasurement(model, snapshots: [snapshot], patches: patches) { grids, system in grids.map(system.observables(of:)) }
        XCTAssertEqual(measured.before[0], model.observables(of: patches.before[0]))
        XCTAssertEqual(measured.after[0], model.observables(of: patches.after[0]))
    }
}
