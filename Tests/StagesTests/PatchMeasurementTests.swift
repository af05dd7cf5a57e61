import Artifacts
import Foundation
import Random
@testable import Stages
import Systems
import TestSupport
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
        let measured = try PatchMeasurement(model, snapshots: snapshots, start: snapshots.map(model.observables(of:)), patches: patches) { grids, system in grids.map(system.observables(of:)) }
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
        let measured = try PatchMeasurement(model, snapshots: [snapshot], start: [model.observables(of: snapshot)], patches: patches) { grids, system in grids.map(system.observables(of:)) }
        XCTAssertEqual(measured.before[0], model.observables(of: patches.before[0]))
        XCTAssertEqual(measured.after[0], model.observables(of: patches.after[0]))
    }

    /// With the roaming boundary evolve records every site the tile's vacancies changed, anywhere
    /// in the lattice: applied to the snapshot they give the tile recorded after δt, the changes
    /// are K·(φ of the changed lattice − φ of the snapshot), and a change outside a snapshot is refused.
    func testRoamingChangesAreRecordedAndMeasuredInPlace() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let model = AlloyModel(cells: 6, temperature: 2000, vacancies: 8)
        let random = RandomStream(seed: 6, stage: "roaming-record")
        let snapshots = (0..<3).map { model.initialConfiguration(run: $0, random: random).configuration }
        var settings = PartialEvolution(patchShape: [3, 3, 3])
        settings.boundary = .roaming
        settings.duration = .steps(300)
        settings.replicas = 2
        try EvolveStage.partialEvolve(model, snapshots: snapshots, settings: settings, seed: 7, inputs: [], directory: dir.file("evolve"))
        let file = dir.file("evolve").appendingPathComponent("evolved.npz")
        let patches = try EvolvedPatches.read(file, of: model)
        let changes = try XCTUnwrap(patches.changes)
        var leftTheTile = false
        for e in 0..<6 {
            var whole = snapshots[e / 2]
            for change in changes[e] { whole.values[change.site] = change.value }
            XCTAssertEqual(whole.patch(origin: patches.origin[e], size: [3, 3, 3]), patches.after[e], "entry \(e)")
            var tileOnly = snapshots[e / 2]
            tileOnly.insert(patches.after[e], at: patches.origin[e])
            leftTheTile = leftTheTile || tileOnly != whole
        }
        XCTAssertTrue(leftTheTile, "in 300 hops some vacancy leaves its 3³-cell tile")
        let measured = try PatchMeasurement(model, snapshots: snapshots, start: snapshots.map(model.observables(of:)), patches: patches) { grids, system in grids.map(system.observables(of:)) }
        for e in 0..<6 {
            var whole = snapshots[e / 2]
            for change in changes[e] { whole.values[change.site] = change.value }
            let expected = zip(model.observables(of: whole), model.observables(of: snapshots[e / 2])).map { 8 * ($0 - $1) }
            for (a, b) in zip(zip(measured.after[e], measured.before[e]).map { $0 - $1 }, expected) { XCTAssertEqual(a, b, accuracy: 1e-9) }
        }
        let archive = try NPZArchive.read(file)
        var sites = try archive.array("changedSite").elements(as: Int64.self)
        sites[0] = 432
        let crafted = dir.file("crafted.npz")
        try NPZArchive(try archive.names.map { ($0, $0 == "changedSite" ? NumPyArray(sites) : try archive.array($0)) }).write(to: crafted)
        XCTAssertThrowsError(try EvolvedPatches.read(crafted, of: model)) { error in
            XCTAssertTrue("\(error)".contains("changedSite"), "\(error)")
        }
    }
}
