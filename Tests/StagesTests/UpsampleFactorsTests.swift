import Artifacts
import Execution
import Foundation
import Random
@testable import Stages
import Systems
import TestSupport
import XCTest

/// Upsampling by any integer factor per level and by mixed factors (48 = 16·3, 96 = 16·2·3):
/// shapes, magnetization kept before LocalRelax, parents, and targets the factors cannot reach.
final class UpsampleFactorsTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.remove() }

    let small = IsingModel(size: 8, temperature: 2.27, field: 0)

    func pool(_ count: Int) -> [Grid<Int8>] {
        (0..<count).map { small.initialConfiguration(run: $0, random: RandomStream(seed: 1, stage: "pool", index: UInt64($0))).configuration }
    }

    /// Upsamples `pool` without LocalRelax; returns the snapshots and their parents.
    func upsampled(_ pool: [Grid<Int8>], target: Int, factor: Int? = nil, factors: [Int]? = nil, seed: UInt64 = 2,
                   name: String) throws -> (snapshots: [Grid<Int8>], parents: [Int]) {
        var settings = Upsampling(targetShape: [target, target], snapshots: 5)
        settings.relaxDuration = .steps(0)
        settings.window = 8
        if let factor { settings.factor = factor }
        settings.factors = factors
        let directory = dir.file(name)
        try UpsampleStage.upsample(small, pool: pool, settings: settings, seed: seed, inputs: [], directory: directory)
        let archive = try NPZArchive.read(directory.appendingPathComponent("snapshots.npz"))
        let states = try archive.array("states")
        XCTAssertEqual(states.shape, [5, target, target], name)
        let values = try states.elements(as: Int8.self), sites = target * target
        return ((0..<5).map { Grid(spatialShape: [target, target], values: Array(values[($0 * sites)..<(($0 + 1) * sites)])) },
                try archive.array("parent").elements(as: Int64.self).map(Int.init))
    }

    /// One level of factor 3 (8 → 24): every snapshot is its recorded parent with each spin a 3 × 3
    /// block, so m is the parent's exactly.
    func testFactorThreeCopiesEverySpinIntoAThreeByThreeBlock() throws {
        let pool = pool(7)
        for (name, factor, factors) in [("factor-3", 3, nil), ("factors-3", nil, [3])] as [(String, Int?, [Int]?)] {
            let (snapshots, parents) = try upsampled(pool, target: 24, factor: factor, factors: factors, name: name)
            for (snapshot, parent) in zip(snapshots, parents) {
                XCTAssertTrue(pool.indices.contains(parent), "\(name): the parent indexes the pool")
                XCTAssertEqual(snapshot, small.upsample(pool[parent], factor: 3), name)
                XCTAssertEqual(small.resized(to: [24, 24]).observables(of: snapshot)[0], small.observables(of: pool[parent])[0], accuracy: 1e-12)
            }
        }
    }

    /// Mixed factors 2 then 3 (8 → 16 → 48): every snapshot is some pool member upsampled by 2 and
    /// then by 3, with that member's magnetization; the recorded parents index the level-1 pool.
    func testMixedFactorsUpsampleLevelByLevel() throws {
        let pool = pool(7)
        let (snapshots, parents) = try upsampled(pool, target: 48, factors: [2, 3], name: "mixed")
        for snapshot in snapshots {
            // The coarse configuration: one spin from every 6 × 6 block.
            let corners: [Int8] = (0..<64).map { (k: Int) -> Int8 in snapshot.values[(k / 8) * 6 * 48 + (k % 8) * 6] }
            let coarse = Grid(spatialShape: [8, 8], values: corners)
            XCTAssertEqual(small.upsample(small.upsample(coarse, factor: 2), factor: 3), snapshot, "a pure 2-then-3 upsampling")
            XCTAssertTrue(pool.contains(coarse), "built from a pool member")
            XCTAssertEqual(small.resized(to: [48, 48]).observables(of: snapshot)[0], small.observables(of: coarse)[0], accuracy: 1e-12)
        }
        XCTAssertTrue(parents.allSatisfy { (0..<5).contains($0) }, "level-2 parents index the 5 level-1 snapshots: \(parents)")
        let manifest = try StageManifest.read(from: dir.file("mixed"))
        guard case .object(let config) = manifest.config, case .object(let upsample)? = config["upsample"] else { return XCTFail("no config") }
        XCTAssertEqual(upsample["factor"], .array([.number(2), .number(3)]), "the manifest records the factors of the levels")
    }

    /// `factors: [2, 2]` draws from the same streams (`upsample-ℓ`) as `factor: 2`: the same bytes,
    /// so pipelines written with `--factor` keep their outputs. A factor 1 is no level: the
    /// snapshots are drawn as with L = L_s.
    func testRepeatedFactorsMatchTheSingleFactorAndFactorOneDraws() throws {
        let pool = pool(7)
        let single = try upsampled(pool, target: 32, factor: 2, name: "single")
        let listed = try upsampled(pool, target: 32, factors: [2, 2], name: "listed")
        XCTAssertEqual(single.snapshots, listed.snapshots)
        XCTAssertEqual(single.parents, listed.parents)
        let drawn = try upsampled(pool, target: 8, factors: [1], name: "drawn")
        XCTAssertEqual(drawn.snapshots, drawn.parents.map { pool[$0] })
    }

    /// Targets the factors cannot reach are refused before the stage opens, naming the size they do reach.
    func testFactorsThatMissTheTargetAreRefused() {
        for (target, factor, factors, expected) in [
            (48, 2, nil, "is not the input size 8 times a power of 2"),
            (48, nil, [2, 2], "factors 2·2 take the input size 8 to 32, not the target size 48"),
            (48, nil, [3, 3], "factors 3·3 take the input size 8 to 72, not the target size 48"),
        ] as [(Int, Int?, [Int]?, String)] {
            XCTAssertThrowsError(try upsampled(pool(2), target: target, factor: factor, factors: factors, name: "bad-\(target)-\(expected.count)")) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("bad-\(target)-\(expected.count)").path), "nothing written")
        }
        XCTAssertThrowsError(try Tiling.upsamplingFactors(from: [8, 8], to: [24, 24], factors: [1 << 40, 1 << 40])) { error in
            XCTAssertTrue("\(error)".contains("take the input size 8 to an overflowing size"), "\(error)")
        }
        var settings = Upsampling(targetShape: [48, 48], snapshots: 5)
        settings.factors = [0, 48]
        XCTAssertThrowsError(try settings.validate()) { XCTAssertTrue("\($0)".contains("between 1 and 1024"), "\($0)") }
        settings.factors = []
        XCTAssertThrowsError(try settings.validate())
    }

    /// With no level (L = L_s) there are no windows, yet appended configurations are relaxed all
    /// the same: the whole lattice evolved for the relaxation time. Random-magnetization states
    /// (ρ = (1 − m²)/2, a third on average) at T = 2.27 lose about half of their domain walls; the
    /// drawn snapshots are left as they are, and a relaxation time of 0 keeps the raw states.
    func testAppendedConfigurationsAreRelaxedWithoutALevel() throws {
        let pool = pool(4)
        func appended(relax: RegionDuration, name: String) throws -> (drawn: [Grid<Int8>], appended: [Grid<Int8>]) {
            var settings = Upsampling(targetShape: [8, 8], snapshots: 3)
            settings.factors = [1]
            settings.appendInitial = 6
            settings.relaxDuration = relax
            let directory = dir.file(name)
            try UpsampleStage.upsample(small, pool: pool, settings: settings, seed: 2, inputs: [], directory: directory)
            let values = try NPZArchive.read(directory.appendingPathComponent("snapshots.npz")).array("states").elements(as: Int8.self)
            let states = (0..<9).map { Grid(spatialShape: [8, 8], values: Array(values[($0 * 64)..<(($0 + 1) * 64)])) }
            return (Array(states[..<3]), Array(states[3...]))
        }
        let raw = try appended(relax: .time(0), name: "raw"), relaxed = try appended(relax: .time(20), name: "relaxed")
        XCTAssertEqual(raw.drawn, relaxed.drawn, "the drawn snapshots are not relaxed")
        for drawn in relaxed.drawn { XCTAssertTrue(pool.contains(drawn)) }
        let wallDensity = { (states: [Grid<Int8>]) in states.map { self.small.observables(of: $0)[1] }.reduce(0, +) / Double(states.count) }
        for (j, state) in raw.appended.enumerated() {
            XCTAssertEqual(state, small.initialConfiguration(run: j, random: RandomStream(seed: 2, stage: "upsample-append", index: UInt64(j))).configuration)
        }
        print("domain-wall density of the appended states: raw \(wallDensity(raw.appended)), relaxed \(wallDensity(relaxed.appended))")
        XCTAssertLessThan(wallDensity(relaxed.appended), 0.7 * wallDensity(raw.appended), "relaxed for Glauber time 20 at T = 2.27")
        // Without a given time, the default is the system's for the whole lattice, not for a window.
        var settings = Upsampling(targetShape: [8, 8], snapshots: 3)
        settings.window = 4
        XCTAssertEqual(settings.windowDuration(nil, system: small, wholeLattice: true), small.defaultRegionDuration(sites: 64))
        XCTAssertEqual(settings.windowDuration(nil, system: small), small.defaultRegionDuration(sites: 16))
    }
}
