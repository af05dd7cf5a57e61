import Artifacts
import Execution
import Foundation
import Random
@testable import Stages
import Systems
import TestSupport
import XCTest

/// The evolve and upsample stages run the alloy's chains of several snapshots in lockstep
/// (`MicroscopicSystem.regionGroups`, `evolveRegions`): with NNK barriers their outputs do not
/// depend on the thread count, and agree with each snapshot evolved alone up to the float rounding
/// of the batched barriers.
final class AlloyLockstepStageTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() {
        dir.remove()
        ThreadCount.set(0)
    }

    /// An alloy of 6³ cells with NNK barriers of random weights and eight vacancies, one in each
    /// 3³-cell tile.
    func nnkAlloy() throws -> AlloyModel {
        AlloyModel(cells: 6, temperature: 2000, vacancies: 8, barriers: .nnk(try NNKBarrierModel.random(seed: 11), path: "random weights", sha256: "none"))
    }

    /// The bytes of `file` that `stage` writes into directory `name`-1 with one thread and `name`-2 with two.
    func withOneAndTwoThreads(_ name: String, reading file: String, _ stage: (URL) throws -> Void) throws -> [Data] {
        try [1, 2].map { threads in
            ThreadCount.set(threads)
            let directory = dir.url.appendingPathComponent("\(name)-\(threads)")
            try stage(directory)
            return try Data(contentsOf: directory.appendingPathComponent(file))
        }
    }

    /// 24 snapshots (8 groups of 3), two replicas each, with every boundary: the same bytes with
    /// one and with two threads, and the patches of every snapshot evolved alone as the stage
    /// draws them — the same states, the times to 10⁻⁵ relative.
    func testEvolveStageIsIndependentOfThreadsAndAgreesWithSnapshotsAlone() throws {
        let model = try nnkAlloy()
        XCTAssertEqual(model.regionGroups(of: 24).map(\.count), [Int](repeating: 3, count: 8))
        let snapshots = (0..<24).map { model.initialConfiguration(run: $0, random: RandomStream(seed: 12, stage: "lockstep-snapshots", index: UInt64($0))).configuration }
        let origins = try Tiling(large: [6, 6, 6], patch: [3, 3, 3]).origins
        for boundary in RegionBoundary.allCases {
            var settings = PartialEvolution(patchShape: [3, 3, 3])
            settings.duration = .steps(60)
            settings.boundary = boundary
            settings.replicas = 2
            let outputs = try withOneAndTwoThreads("\(boundary.rawValue)", reading: "evolved.npz") { directory in
                try EvolveStage.partialEvolve(model, snapshots: snapshots, settings: settings, seed: 13, inputs: [], directory: directory)
            }
            XCTAssertEqual(outputs[0], outputs[1], "\(boundary): the thread count changed the output")
            let archive = try NPZArchive.read(dir.url.appendingPathComponent("\(boundary.rawValue)-1/evolved.npz"))
            let after = try archive.array("patchAfter").elements(as: Int8.self), dt = try archive.array("dt").elements(as: Double.self)
            let patchIndex = try archive.array("patchIndex").elements(as: Int64.self)
            var moved = 0
            for (j, snapshot) in snapshots.enumerated() {
                let random = RandomStream(seed: 13, stage: "evolve", index: UInt64(j))
                for r in 0..<2 {
                    let e = 2 * j + r, patch = random.uniformInt(origins.count)
                    var alone = snapshot
                    let time = model.evolveRegion(&alone, origin: origins[patch], size: [3, 3, 3], for: .steps(60), boundary: boundary, random: random)
                    let patchAlone = alone.patch(origin: origins[patch], size: [3, 3, 3]).values
                    if patchAlone != snapshot.patch(origin: origins[patch], size: [3, 3, 3]).values { moved += 1 }
                    XCTAssertEqual(Int(patchIndex[e]), patch)
                    XCTAssertEqual(Array(after[(54 * e)..<(54 * (e + 1))]), patchAlone, "\(boundary), snapshot \(j), replica \(r)")
                    XCTAssertEqual(dt[e], time, accuracy: 1e-5 * time, "\(boundary), snapshot \(j), replica \(r)")
                }
            }
            XCTAssertGreaterThan(moved, 30, "\(boundary): too few patches changed to compare")
        }
    }

    /// Upsampling 3³-cell snapshots to 6³ cells with frozen-halo LocalRelax and appended
    /// configurations relaxed for spread times: the same bytes with one and with two threads.
    func testUpsampleStageIsIndependentOfThreads() throws {
        let model = try nnkAlloy()
        let small = model.resized(to: [3, 3, 3])
        let pool = (0..<6).map { small.initialConfiguration(run: $0, random: RandomStream(seed: 14, stage: "lockstep-pool", index: UInt64($0))).configuration }
        var settings = Upsampling(targetShape: [6, 6, 6], snapshots: 16)
        settings.window = 3
        settings.stride = 3
        settings.boundary = .frozenHalo
        settings.relaxDuration = .steps(20)
        settings.appendInitial = 16
        settings.appendRelaxDuration = .steps(40)
        settings.appendRelaxSpread = true
        let outputs = try withOneAndTwoThreads("upsample", reading: "snapshots.npz") { directory in
            try UpsampleStage.upsample(small, pool: pool, settings: settings, seed: 15, inputs: [], directory: directory)
        }
        XCTAssertEqual(outputs[0], outputs[1], "the thread count changed the upsampled snapshots")
    }

    /// LocalRelax of twelve configurations together ends as each relaxed alone: with the pair
    /// model exactly, with NNK in the same states; a configuration with a duration of zero is left
    /// as it is and its stream untouched.
    func testLocalRelaxTogetherEndsAsEachAlone() throws {
        for (m, model) in [AlloyModel(cells: 6, temperature: 2000, vacancies: 8), try nnkAlloy()].enumerated() {
            let starts = (0..<12).map { model.initialConfiguration(run: $0, random: RandomStream(seed: 16, stage: "lockstep-relax", index: UInt64($0))).configuration }
            var settings = Upsampling(targetShape: [6, 6, 6], snapshots: 12)
            settings.window = 3
            settings.stride = 2
            settings.boundary = .frozenHalo
            let durations = (0..<12).map { RegionDuration.steps($0 == 5 ? 0 : 10 + 3 * $0) }
            func randoms() -> [RandomStream] { (0..<12).map { RandomStream(seed: 17, stage: "lockstep-relax-run", index: UInt64($0)) } }
            var together = starts
            let streams = randoms()
            settings.relax(&together, system: model, randoms: streams, for: durations)
            for (i, random) in randoms().enumerated() {
                var alone = [starts[i]]
                settings.relax(&alone, system: model, randoms: [random], for: [durations[i]])
                XCTAssertEqual(together[i].values, alone[0].values, "model \(m), configuration \(i)")
                XCTAssertEqual(streams[i].uniform(), random.uniform(), "configuration \(i): the streams drew differently")
            }
            XCTAssertEqual(together[5], starts[5])
            XCTAssertGreaterThan(zip(together, starts).filter { $0.values != $1.values }.count, 8)
        }
    }
}
