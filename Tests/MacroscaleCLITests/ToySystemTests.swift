import Artifacts
import Foundation
@testable import MacroscaleCLI
import Random
import Systems
import TestSupport
import XCTest

/// A system defined outside the package: spins on a ring, each flipping at rate 1 on its own.
/// Everything Macroscale needs from a new system is this conformance and its registration.
struct ToyFlips: MicroscopicSystem {
    static let identifier = "toy-flips"
    static let observableNames = ["magnetization"]
    static let macroscopicObservables = ["magnetization"]
    static let initialParameterNames = ["m0"]
    static let isPeriodic = true
    static let referencePatchBoundary = RegionBoundary.frozenHalo

    var size: Int
    var stepsPerRecord = 1

    init(size: Int) { self.size = size }

    func validateParameters() throws {
        guard size >= 1, stepsPerRecord >= 1 else { throw ConfigurationError("toy-flips: size and stepsPerRecord must be at least 1") }
    }

    static func isValidSite(_ value: Int8) -> Bool { value == 1 || value == -1 }
    static let siteDomain = "spins must be -1 or +1"

    init(configuration: SystemConfiguration) throws {
        size = try configuration.integer("size")
        stepsPerRecord = try configuration.integer("stepsPerRecord", default: 1)
    }

    var configuration: [String: JSONValue] {
        ["system": .string(Self.identifier), "size": .number(Double(size)), "stepsPerRecord": .number(Double(stepsPerRecord))]
    }

    var components: Int { 1 }
    var spatialShape: [Int] { [size] }

    func resized(to spatialShape: [Int]) -> ToyFlips {
        var copy = self
        copy.size = spatialShape[0]
        return copy
    }

    func initialConfiguration(run: Int, random: RandomStream) -> (configuration: Grid<Int8>, parameters: [Double]) {
        let m0 = random.uniform(-1, 1)
        return (Grid(spatialShape: [size], values: (0..<size).map { _ in random.uniform() < (1 + m0) / 2 ? 1 : -1 }), [m0])
    }

    func observables(of configuration: Grid<Int8>) -> [Double] {
        [Double(configuration.values.reduce(0) { $0 + Int($1) }) / Double(configuration.siteCount)]
    }

    func simulate(_ configuration: inout Grid<Int8>, steps: Int, random: RandomStream,
                  record: (_ step: Int, _ configuration: Grid<Int8>, _ time: Double) -> Void) {
        var time = 0.0
        guard steps > 0 else { return }
        for step in 1...steps {
            time += evolveRegion(&configuration, origin: [0], size: [size], for: .steps(size * stepsPerRecord), boundary: .frozenHalo, random: random)
            record(step, configuration, time)
        }
    }

    func upsample(_ configuration: Grid<Int8>, factor: Int) -> Grid<Int8> {
        Grid(spatialShape: [configuration.siteCount * factor], values: configuration.values.flatMap { Array(repeating: $0, count: factor) })
    }

    func defaultRegionDuration(sites: Int) -> RegionDuration { .steps(sites) }

    /// Flip events at total rate `sites` until `duration` is used up; returns the time elapsed.
    func evolveRegion(_ configuration: inout Grid<Int8>, origin: [Int], size region: [Int], for duration: RegionDuration,
                      boundary: RegionBoundary, random: RandomStream) -> Double {
        let sites = region[0]
        var time = 0.0, events = 0
        while true {
            let wait = random.exponential(mean: 1 / Double(sites))
            switch duration {
            case .steps(let count): if events == count { return time }
            case .time(let span): if time + wait > span { return span }
            }
            time += wait
            events += 1
            let site = (origin[0] + random.uniformInt(sites)) % configuration.siteCount
            configuration.values[site] = -configuration.values[site]
        }
    }
}

final class ToySystemTests: CommandTestCase {
    /// Registered from the test, the toy system runs simulate → upsample → evolve → encode through
    /// the command line, and the encoded pairs are its magnetizations (checked in NumPy).
    func testANewSystemNeedsOnlyItsConformanceAndRegistration() throws {
        try SystemRegistry.register(ToyFlips.self)
        try SystemRegistry.register(ToyFlips.self)  // again: nothing changes
        XCTAssertEqual(SystemRegistry.identifiers.filter { $0 == "toy-flips" }.count, 1)
        try runMacroscale(["simulate", "system", "toy-flips", "--parameter", "size=8", "--runs", "10", "--steps", "6", "--seed", "1",
                           "--out", path("simulate")])
        try runMacroscale(["upsample", "--input", path("simulate"), "--target-size", "32", "--snapshots", "50", "--window", "8",
                           "--stride", "4", "--seed", "2", "--out", path("upsample")])
        try runMacroscale(["evolve", "--input", path("upsample"), "--seed", "3", "--out", path("evolve")])
        try runMacroscale(["encode", "--evolved", path("evolve"), "--out", path("encode")])
        let checked = try Python.run("""
            import sys, numpy as np
            snapshots = np.load(sys.argv[1])["states"]; evolved = np.load(sys.argv[2]); pairs = np.load(sys.argv[3])
            assert snapshots.shape == (50, 32) and int(pairs["patches"]) == 4
            start = snapshots[evolved["snapshotIndex"]].mean(axis=1)
            assert np.allclose(pairs["start"][:, 0], start)
            increment = evolved["patchAfter"].mean(axis=1) - evolved["patchBefore"].mean(axis=1)
            assert np.allclose(pairs["next"][:, 0], start + increment)
            print("ok")
            """, [path("upsample/snapshots.npz"), path("evolve/evolved.npz"), path("encode/partial.npz")])
        XCTAssertEqual(checked, "ok\n")
    }

    /// `macroscale run` checks the sizes of a pipeline on the toy system before anything runs.
    func testRunChecksTheToySystemsSizes() throws {
        try SystemRegistry.register(ToyFlips.self)
        try """
            pipeline: toy
            stages:
              - {name: simulate, run: simulate system toy-flips, with: {parameter: size=8, runs: 2, steps: 2}}
              - {name: upsample, run: upsample, with: {input: $simulate, target-size: 24}}
            """.write(to: dir.file("toy.yaml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try runMacroscale(["run", path("toy.yaml"), "--profile", "default", "--out", path("never")])) { error in
            XCTAssertTrue(Run.message(for: error).contains("stage 'upsample': target size 24 is not the input size 8 times a power of 2"),
                          Run.message(for: error))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("never")), "nothing ran")
    }
}
