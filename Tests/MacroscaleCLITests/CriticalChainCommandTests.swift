import ArgumentParser
import Artifacts
import Foundation
@testable import MacroscaleCLI
import Stages
import XCTest

/// The command-line pieces of the learned critical pipeline: `upsample --factors`, `evolve
/// --whole-system` (validation pairs of the large system) and rollouts from the first N rows.
final class CriticalChainCommandTests: CommandTestCase {
    /// 8² Ising records → `--factors 2,3` (48², the target implied) and `--factors 3` with an
    /// explicit target; `--factor` and `--factors` together, and factors missing the target, are
    /// usage errors.
    func testFactorsOptionUpsamplesAndRefusesWhatItCannotReach() throws {
        try runMacroscale(["simulate", "ising", "--size", "8", "--field", "0", "--temperature", "2.27", "--runs", "2", "--steps", "3",
                           "--seed", "1", "--out", path("sim")])
        try runMacroscale(["upsample", "--input", path("sim"), "--factors", "2,3", "--snapshots", "3", "--window", "8", "--out", path("up48")])
        XCTAssertEqual(try NPZArchive.read(dir.file("up48/snapshots.npz")).array("states").shape, [3, 48, 48])
        try runMacroscale(["upsample", "--input", path("sim"), "--target-size", "24", "--factors", "3", "--snapshots", "3", "--window", "8",
                           "--out", path("up24")])
        XCTAssertEqual(try NPZArchive.read(dir.file("up24/snapshots.npz")).array("states").shape, [3, 24, 24])

        XCTAssertThrowsError(try Macroscale.parseAsRoot(["upsample", "--input", "x", "--factor", "2", "--factors", "3", "--out", "y"])) {
            XCTAssertTrue(Macroscale.message(for: $0).contains("give --factor or --factors, not both"), Macroscale.message(for: $0))
        }
        XCTAssertThrowsError(try Macroscale.parseAsRoot(["upsample", "--input", "x", "--factors", "2,x", "--out", "y"])) {
            XCTAssertTrue(Macroscale.message(for: $0).contains("--factors must be a comma-separated list"), Macroscale.message(for: $0))
        }
        XCTAssertThrowsError(try Macroscale.parseAsRoot(["upsample", "--input", "x", "--out", "y"])) {
            XCTAssertTrue(Macroscale.message(for: $0).contains("give --target-size"), Macroscale.message(for: $0))
        }
        XCTAssertThrowsError(try runMacroscale(["upsample", "--input", path("sim"), "--target-size", "48", "--factors", "2,2",
                                                "--out", path("bad")])) {
            XCTAssertTrue("\($0)".contains("factors 2·2 take the input size 8 to 32, not the target size 48"), "\($0)")
        }
    }

    /// `--whole-system` evolves the whole lattice as one patch; its encoded pairs record K = 1, and
    /// the first rows of their starts seed a rollout (`FILE.npz:ARRAY[:N]`, N beyond the rows refused).
    func testWholeSystemPairsAndRolloutsFromTheFirstRows() throws {
        try runMacroscale(["simulate", "ising", "--size", "8", "--field", "0", "--temperature", "2.27", "--runs", "2", "--steps", "3",
                           "--seed", "1", "--out", path("sim")])
        try runMacroscale(["upsample", "--input", path("sim"), "--factors", "2", "--snapshots", "20", "--window", "8", "--out", path("up")])
        try runMacroscale(["evolve", "--input", path("up"), "--whole-system", "--boundary", "periodic-window", "--time", "1", "--out", path("whole")])
        let evolved = try NPZArchive.read(dir.file("whole/evolved.npz"))
        XCTAssertEqual(try evolved.array("patchBefore").shape, [20, 16, 16])
        try runMacroscale(["encode", "--evolved", path("whole"), "--out", path("pairs")])
        let pairs = try NPZArchive.read(dir.file("pairs/partial.npz"))
        XCTAssertEqual(try pairs.array("patches").elements(as: Int64.self), [1])
        try runMacroscale(["train-sde", "--pairs", path("pairs/partial.npz"), "--lambda", "0.5K", "--epochs", "1", "--hidden", "4",
                           "--out", path("sde")])
        try runMacroscale(["rollout", "--model", path("sde"), "--initial", path("pairs/partial.npz") + ":start[:7]", "--steps", "2", "--dt", "1",
                           "--out", path("rollout")])
        let trajectories = try NPZArchive.read(dir.file("rollout/rollouts.npz")).array("trajectories")
        XCTAssertEqual(trajectories.shape, [7, 3, 2])
        let starts = try pairs.array("start").doubleValues(), first = trajectories.doubleValues()
        for k in 0..<2 { XCTAssertEqual(first[k], starts[k], accuracy: 1e-6, "the first row starts the first rollout") }
        for bad in ["[:21]", "[:0]", "[:x]"] {
            XCTAssertThrowsError(try runMacroscale(["rollout", "--model", path("sde"), "--initial", path("pairs/partial.npz") + ":start" + bad,
                                                    "--steps", "2", "--dt", "1", "--out", path("bad")]), bad)
        }
        XCTAssertThrowsError(try Macroscale.parseAsRoot(["evolve", "--input", "x", "--whole-system", "--patch-size", "4", "--out", "y"]))
    }
}
