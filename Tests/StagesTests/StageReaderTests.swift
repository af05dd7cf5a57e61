import Artifacts
import Foundation
import Stages
import Systems
import TestSupport
import XCTest

/// The typed readers of the stage plumbing refuse malformed artifacts by name (issue 14, findings
/// 5 and 7), and `Stage.run` checks the settings before anything is written.
final class StageReaderTests: XCTestCase {
    var dir: TemporaryDirectory!
    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.remove() }

    let system = CurieWeissModel(size: 4, temperature: 1.5, field: 0)

    /// A finished simulate stage of 3 runs × 4 records of all-up spins whose `times` and
    /// `initial` are as given.
    func simulateStage(_ name: String, times: NumPyArray, initial: NumPyArray) throws -> URL {
        let run = try StageRun(stage: "simulate", directory: dir.file(name), config: ["system": .object(system.configuration)],
                               seed: 1, inputs: [], threads: 1)
        try run.write(NPZArchive([("states", try NumPyArray([Int8](repeating: 1, count: 3 * 4 * 16), shape: [3, 4, 4, 4])),
                                  ("times", times), ("initial", initial)]), as: "trajectories.npz")
        try run.finish()
        return dir.file(name)
    }

    func assertRefused(_ body: @autoclosure () throws -> Any, mentioning fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(fragment), "'\(error)' should mention '\(fragment)'", file: file, line: line)
        }
    }

    func testTrajectoriesAreCheckedAndGroupedIntoConditions() throws {
        let times = try NumPyArray((0..<12).map { Double($0 % 4) * 0.5 }, shape: [3, 4])
        let good = try TrajectorySource(directory: try simulateStage("good", times: times, initial: try NumPyArray([0.1, 0.2, 0.1], shape: [3, 1])))
        let trajectories = try good.read(system)
        XCTAssertEqual(trajectories.states.count, 12)
        XCTAssertEqual(trajectories.conditions.map(\.runs), [[0, 2], [1]], "runs with equal initial parameters form one condition")

        let cases: [(String, NumPyArray, NumPyArray, String)] = [
            ("short-times", try NumPyArray([Double](repeating: 0, count: 9), shape: [3, 3]), try NumPyArray([0.1, 0.2, 0.3], shape: [3, 1]),
             "times must be [runs, records] = [3, 4]; got (3, 3)"),
            ("nan-time", try NumPyArray([0, 1, .nan, 3, 0, 1, 2, 3, 0, 1, 2, 3], shape: [3, 4]), try NumPyArray([0.1, 0.2, 0.3], shape: [3, 1]),
             "times must be finite and non-decreasing"),
            ("backwards", try NumPyArray([0, 1, 2, 3, 0, 2, 1, 3, 0, 1, 2, 3], shape: [3, 4]), try NumPyArray([0.1, 0.2, 0.3], shape: [3, 1]),
             "times must be finite and non-decreasing"),
            ("two-rows", times, try NumPyArray([0.1, 0.2], shape: [2, 1]), "initial must be [runs] or [runs, parameters] with 3 runs; got (2, 1)"),
            ("nan-initial", times, try NumPyArray([0.1, .nan, 0.3], shape: [3, 1]), "initial parameters must be finite"),
        ]
        for (name, badTimes, badInitial, fragment) in cases {
            let source = try TrajectorySource(directory: try simulateStage(name, times: badTimes, initial: badInitial))
            assertRefused(try source.read(system), mentioning: fragment)
            assertRefused(try source.read(system), mentioning: "\(name)/trajectories.npz")
            if fragment.hasPrefix("times") {
                // Upsample and evolve read the same file kind through SnapshotSource: the same check.
                assertRefused(try SnapshotSource(directory: dir.file(name)).snapshots(of: system), mentioning: fragment)
            }
        }
    }

    /// Pair files: no pairs, non-finite latents and a patch count K < 1 are refused by name
    /// (K = 0 used to train with λ = 0).
    func testPairsAreChecked() throws {
        func write(_ name: String, start: [Double], next: [Double], dt: [Double], patches: Int64? = nil) throws -> URL {
            let count = dt.count
            try NPZArchive([("start", try NumPyArray(start, shape: [count, 1])), ("next", try NumPyArray(next, shape: [count, 1])),
                            ("dt", NumPyArray(dt))] + (patches.map { [("patches", try NumPyArray([$0], shape: []))] } ?? []))
                .write(to: dir.file(name))
            return dir.file(name)
        }
        let good = try PairSource(file: try write("good.npz", start: [0, 1], next: [0.5, 1.5], dt: [0.1, 0.1], patches: 4))
        XCTAssertEqual(good.patches, 4)
        XCTAssertNil(good.lineage, "a file outside any stage has no lineage")
        assertRefused(try PairSource(file: try write("empty.npz", start: [], next: [], dt: [])), mentioning: "empty.npz: holds no pairs")
        assertRefused(try PairSource(file: try write("nan.npz", start: [0, .nan], next: [0, 1], dt: [0.1, 0.1])), mentioning: "nan.npz: start and next must be finite")
        assertRefused(try PairSource(file: try write("huge.npz", start: [0, 1e300], next: [0, 1], dt: [0.1, 0.1])), mentioning: "single precision")
        assertRefused(try PairSource(file: try write("zero-dt.npz", start: [0, 1], next: [0, 1], dt: [0.1, 0])), mentioning: "every dt must be positive")
        assertRefused(try PairSource(file: try write("k0.npz", start: [0, 1], next: [0, 1], dt: [0.1, 0.1], patches: 0)), mentioning: "patches must be one whole number K ≥ 1")
        var settings = SDEFitting()
        settings.epochs = 1
        settings.hidden = [4]
        assertRefused(try TrainSDEStage.run(settings, inputs: .init(pairs: [dir.file("empty.npz")]), seed: 1, directory: dir.file("fit")),
                      mentioning: "holds no pairs")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("fit").path))
    }

    /// Settings are checked before any input is touched or output written, and name the setting.
    func testSettingsAreCheckedBeforeAnythingIsWritten() throws {
        var evolution = PartialEvolution()
        evolution.replicas = 0
        assertRefused(try evolution.validate(), mentioning: "the replicas must be between 1 and 4096; got 0")
        var still = PartialEvolution()
        still.duration = .time(0)
        assertRefused(try still.validate(), mentioning: "a patch must evolve for a positive time; got 0.0")
        var fitting = SDEFitting()
        fitting.learningRate = .infinity
        assertRefused(try fitting.validate(), mentioning: "the learning rate must be positive and finite")
        assertRefused(try RolloutStage.Settings(steps: 10, dt: .infinity).validate(), mentioning: "dt must be positive and finite")
        var upsampling = Upsampling(targetShape: [8, 8], snapshots: 4)
        upsampling.relaxDuration = .time(.nan)
        assertRefused(try upsampling.validate(), mentioning: "the LocalRelax duration must be")
        var evaluation = EvaluateStage.Settings()
        evaluation.bandwidths = [1, 0]
        assertRefused(try evaluation.validate(), mentioning: "bandwidths must be positive")

        let source = try SnapshotSource(directory: try simulateStage("sim", times: try NumPyArray((0..<12).map { Double($0 % 4) }, shape: [3, 4]),
                                                                     initial: try NumPyArray([0.1, 0.2, 0.3], shape: [3, 1])))
        assertRefused(try EvolveStage.run(evolution, inputs: source, seed: 1, directory: dir.file("evolve")), mentioning: "replicas")
        evolution.replicas = 1
        evolution.patchShape = [3, 3]
        assertRefused(try EvolveStage.run(evolution, inputs: source, seed: 1, directory: dir.file("evolve")), mentioning: "3")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("evolve").path), "nothing written for refused settings")
    }

    /// Upsample and evolve estimate their peak memory from their settings and refuse, naming the
    /// stage, what exceeds the limit (MACROSCALE_MEMORY_LIMIT here), before anything is written.
    func testUpsampleAndEvolveRefuseWhatExceedsTheMemoryLimit() throws {
        setenv(MemoryBudget.environmentVariable, "2M", 1)
        defer { unsetenv(MemoryBudget.environmentVariable) }
        let pool = [Grid<Int8>(spatialShape: [4, 4], values: [Int8](repeating: 1, count: 16))]
        var upsampling = Upsampling(targetShape: [64, 64], snapshots: 200)
        upsampling.window = 4
        upsampling.stride = 4
        assertRefused(try UpsampleStage.upsample(system, pool: pool, settings: upsampling, seed: 1, inputs: [], directory: dir.file("up")),
                      mentioning: "upsample: 200 snapshots of [64, 64]")
        let large = system.resized(to: [64, 64])
        let snapshots = [Grid<Int8>](repeating: Grid(spatialShape: [64, 64], values: [Int8](repeating: 1, count: 4096)), count: 100)
        var evolution = PartialEvolution(patchShape: [64, 64])
        evolution.replicas = 2
        assertRefused(try EvolveStage.partialEvolve(large, snapshots: snapshots, settings: evolution, seed: 1, inputs: [], directory: dir.file("evolve")),
                      mentioning: "evolve: 100 × 2 patches of [64, 64]")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("up").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("evolve").path))
    }
}
