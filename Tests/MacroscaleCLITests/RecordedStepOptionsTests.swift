import Artifacts
import Foundation
@testable import MacroscaleCLI
import TestSupport
import XCTest

/// Durations in recorded steps (`upsample --relax-records`, `--append-relax-records`,
/// `evolve --time-records`): resolved from the mean record interval of the simulation the snapshots
/// come from, through any number of upsample levels, and recorded in seconds in the manifests.
final class RecordedStepOptionsTests: CommandTestCase {
    /// The mean of the intervals between consecutive records after `burnIn`, recomputed from `times`.
    func meanInterval(_ simulation: String, burnIn: Int) throws -> Double {
        let times = try NPZArchive.read(dir.file("\(simulation)/trajectories.npz")).array("times")
        let (runs, records) = (times.shape[0], times.shape[1])
        let values = times.doubleValues()
        let intervals = (0..<runs).flatMap { run in (burnIn + 1..<records).map { values[run * records + $0] - values[run * records + $0 - 1] } }
        return intervals.reduce(0, +) / Double(intervals.count)
    }

    /// The seconds of a duration `time X` recorded under `config[section][key]` of `stage`'s manifest.
    func recordedSeconds(_ stage: String, _ section: String, _ key: String) throws -> Double {
        let manifest = try StageManifest.read(from: dir.file(stage))
        guard case .object(let config) = manifest.config, case .object(let settings)? = config[section], case .string(let text)? = settings[key],
              text.hasPrefix("time "), let seconds = Double(text.dropFirst(5)) else {
            throw ArtifactError(stage, "no time recorded under \(section).\(key)")
        }
        return seconds
    }

    func testRecordedStepsBecomeSecondsOfTheSimulationBehindTheSnapshots() throws {
        try runMacroscale(["simulate", "curie-weiss", "--size", "8", "--runs", "4", "--steps", "12", "--seed", "1", "--out", path("sim")])
        try runMacroscale(["upsample", "--input", path("sim"), "--target-size", "16", "--snapshots", "20", "--window", "8", "--stride", "4", "--burn-in", "2",
                           "--relax-records", "2", "--append-initial", "5", "--append-relax-records", "3", "--seed", "2", "--out", path("up")])
        let unit = try meanInterval("sim", burnIn: 2)
        XCTAssertNotEqual(unit, try meanInterval("sim", burnIn: 0), "the burn-in matters, so the test can tell")
        XCTAssertEqual(try recordedSeconds("up", "upsample", "relax"), 2 * unit, accuracy: 1e-12 * unit)
        XCTAssertEqual(try recordedSeconds("up", "upsample", "appendRelax"), 3 * unit, accuracy: 1e-12 * unit)
        // A second level and an evolution of it: the unit is still the first simulation's, after the first upsample's burn-in.
        try runMacroscale(["upsample", "--input", path("up"), "--target-size", "32", "--snapshots", "4", "--window", "8", "--stride", "4",
                           "--relax-records", "1", "--seed", "3", "--out", path("up2")])
        XCTAssertEqual(try recordedSeconds("up2", "upsample", "relax"), unit, accuracy: 1e-12 * unit)
        try runMacroscale(["evolve", "--input", path("up2"), "--time-records", "0.5", "--seed", "4", "--out", path("ev")])
        XCTAssertEqual(try recordedSeconds("ev", "evolve", "duration"), 0.5 * unit, accuracy: 1e-12 * unit)
        // Evolving the simulation's own records: its burn-in.
        try runMacroscale(["evolve", "--input", path("sim"), "--burn-in", "4", "--time-records", "1", "--seed", "5", "--out", path("ev-sim")])
        let ownUnit = try meanInterval("sim", burnIn: 4)
        XCTAssertEqual(try recordedSeconds("ev-sim", "evolve", "duration"), ownUnit, accuracy: 1e-12 * ownUnit)
    }

    func testConflictingOrImpossibleRecordedDurationsAreRefused() throws {
        XCTAssertTrue(refusal(["evolve", "--input", path("x"), "--time", "1", "--time-records", "1", "--out", path("never")])
            .contains("give one of --steps, --time and --time-records"))
        XCTAssertTrue(refusal(["evolve", "--input", path("x"), "--steps", "1", "--time-records", "1", "--out", path("never")])
            .contains("give one of --steps, --time and --time-records"))
        XCTAssertTrue(refusal(["upsample", "--input", path("x"), "--target-size", "16", "--relax-steps", "1", "--relax-records", "1", "--out", path("never")])
            .contains("give one of --relax-steps, --relax-time and --relax-records"))
        XCTAssertTrue(refusal(["upsample", "--input", path("x"), "--target-size", "16", "--append-relax-time", "1", "--append-relax-records", "1", "--out", path("never")])
            .contains("give --append-relax-time or --append-relax-records, not both"))
        for bad in ["nan", "-1", "inf"] {
            XCTAssertNotEqual(refusal(["evolve", "--input", path("x"), "--time-records=\(bad)", "--out", path("never")]), "ran", bad)
            XCTAssertNotEqual(refusal(["upsample", "--input", path("x"), "--target-size", "16", "--relax-records=\(bad)", "--out", path("never")]), "ran", bad)
        }
        try runMacroscale(["simulate", "curie-weiss", "--size", "8", "--runs", "2", "--steps", "3", "--seed", "1", "--out", path("short")])
        XCTAssertTrue(refusal(["evolve", "--input", path("short"), "--burn-in", "3", "--time-records", "1", "--out", path("never")])
            .contains("burn-in 3 leaves fewer than two of the 4 records per run"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("never")))
    }
}
