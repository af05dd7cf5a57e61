import Artifacts
import Foundation
@testable import MacroscaleCLI
import Systems
import TestSupport
import XCTest

/// Issue 14, findings 1 and 3: states outside a system's domain and non-finite or extreme numbers
/// are refused with an error naming the file or option, before anything is written.
final class HostileInputTests: CommandTestCase {
    /// A finished simulate stage of `system` whose `states` are `values` in `[runs, records, (components,) spatial…]`.
    func simulateStage<System: MicroscopicSystem>(_ name: String, _ system: System, values: [System.Site], runs: Int, records: Int) throws -> String {
        let run = try StageRun(stage: "simulate", directory: dir.file(name), config: ["system": .object(system.configuration)],
                               seed: 1, inputs: [], threads: 1)
        let stateShape = (system.components > 1 ? [system.components] : []) + system.spatialShape
        try run.write(NPZArchive([("states", try NumPyArray(values, shape: [runs, records] + stateShape)),
                                  ("times", try NumPyArray((0..<(runs * records)).map { Double($0 % records) }, shape: [runs, records]))]),
                      as: "trajectories.npz")
        try run.finish()
        return path(name)
    }

    /// Runs `arguments`, expecting an error whose message contains every one of `fragments`; `out` must not appear.
    func assertRefused(_ arguments: [String], out: String, mentioning fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        do {
            try runMacroscale(arguments + ["--out", out])
            XCTFail("\(arguments.joined(separator: " ")) should fail", file: file, line: line)
        } catch {
            let message = Macroscale.message(for: error)
            for fragment in fragments {
                XCTAssertTrue(message.contains(fragment), "'\(message)' should mention '\(fragment)'", file: file, line: line)
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing is written to \(out)", file: file, line: line)
    }

    /// A 2 at one Ising site used to abort in glibc or exit 0 writing −2 (raw-pointer indexing in
    /// the n-fold sampler); a 0 trapped the Curie–Weiss sampler. Both are refused where read.
    func testSpinsOtherThanPlusOrMinusOneAreRefused() throws {
        let ising = IsingModel(size: 4, temperature: 2.5, field: 0.1)
        var spins = [Int8](repeating: 1, count: 2 * 16)
        spins[21] = 2
        let bad = try simulateStage("ising", ising, values: spins, runs: 1, records: 2)
        let expected = ["\(bad)/trajectories.npz", "value 2 in configuration 1 (element 5) is not a valid ising site state: spins must be -1 or +1"]
        assertRefused(["evolve", "--input", bad, "--patch-size", "2"], out: path("evolved"), mentioning: expected)
        assertRefused(["upsample", "--input", bad, "--target-size", "8", "--snapshots", "2", "--window", "4", "--stride", "2"], out: path("upsampled"), mentioning: expected)

        let curieWeiss = CurieWeissModel(size: 4, temperature: 1.1, field: 0.1)
        spins = [Int8](repeating: -1, count: 16)
        spins[3] = 0
        let zero = try simulateStage("cw", curieWeiss, values: spins, runs: 1, records: 1)
        assertRefused(["evolve", "--input", zero, "--patch-size", "2"], out: path("cw-evolved"),
                      mentioning: ["value 0 in configuration 0 (element 3) is not a valid curie-weiss site state"])
    }

    /// NaN, infinite or negative densities used to pass upsample and evolve with exit 0.
    func testNonFiniteOrNegativePredatorPreyStatesAreRefused() throws {
        let model = PredatorPreyModel(points: 8)
        for (index, value) in [Float.nan, .infinity, -0.25].enumerated() {
            var fields = [Float](repeating: 0.5, count: 16)
            fields[9] = value
            let bad = try simulateStage("pp-\(index)", model, values: fields, runs: 1, records: 1)
            let expected = ["value \(value) in configuration 0 (element 9) is not a valid predator-prey site state: densities must be finite and non-negative"]
            assertRefused(["evolve", "--input", bad, "--patch-size", "4"], out: path("pp-evolved-\(index)"), mentioning: expected)
            assertRefused(["upsample", "--input", bad, "--target-size", "16", "--snapshots", "2"], out: path("pp-upsampled-\(index)"), mentioning: expected)
        }
    }

    /// `--temperature nan`, `--field nan` and `--temperature 1e-300` crashed (SIGILL); `--temperature inf`
    /// failed late and left outputs without a manifest.
    func testNonFiniteOrExtremeSpinParametersAreRefusedBeforeAnythingIsWritten() {
        for (system, option, value, fragment) in [
            ("ising", "--temperature", "nan", "temperature must be a finite positive number, got nan"),
            ("ising", "--temperature", "inf", "temperature must be a finite positive number, got inf"),
            ("ising", "--temperature", "1e-300", "temperature 1e-300 is too low for field 0.1"),
            ("ising", "--field", "nan", "field must be a finite number, got nan"),
            ("curie-weiss", "--temperature", "1e-300", "temperature 1e-300 is too low for field 0.1"),
            ("curie-weiss", "--field", "inf", "field must be a finite number, got inf"),
        ] {
            assertRefused(["simulate", system, option, value, "--size", "4", "--runs", "1", "--steps", "1"],
                          out: path("\(system)\(option)\(value)"), mentioning: [fragment])
        }
        assertRefused(["simulate", "predator-prey", "--dt", "inf", "--points", "4", "--runs", "1", "--steps", "1"],
                      out: path("pp-dt"), mentioning: ["dt must be a finite positive number, got inf"])
        assertRefused(["simulate", "predator-prey", "--a", "nan", "--points", "4", "--runs", "1", "--steps", "1"],
                      out: path("pp-a"), mentioning: ["a must be a finite number, got nan"])
    }

    /// A finite but huge `--time` for predator–prey trapped converting time/dt to a step count.
    func testPredatorPreyTimesBeyondAnyStepCountAreRefused() throws {
        let model = PredatorPreyModel(points: 8)
        let stage = try simulateStage("pp", model, values: [Float](repeating: 0.5, count: 16), runs: 1, records: 1)
        assertRefused(["evolve", "--input", stage, "--patch-size", "4", "--time", "1e300"], out: path("pp-evolved"),
                      mentioning: ["time 1e+300 is 1e+302 steps of dt = 0.01, more than 2147483647"])
        assertRefused(["upsample", "--input", stage, "--target-size", "16", "--snapshots", "1", "--relax-time", "1e300"], out: path("pp-upsampled"),
                      mentioning: ["time 1e+300 is 1e+302 steps of dt = 0.01"])
    }

    /// `--relax-time nan|inf` and `--append-relax-time nan` looped forever at full CPU.
    func testNonFiniteRelaxTimesAreRefused() {
        for (option, value, setting) in [("--relax-time", "nan", "the LocalRelax duration"), ("--relax-time", "inf", "the LocalRelax duration"),
                                         ("--append-relax-time", "nan", "the appended configurations' LocalRelax duration")] {
            XCTAssertThrowsError(try Macroscale.parseAsRoot(["upsample", "--input", "x", "--target-size", "8", "--snapshots", "1", option, value, "--out", "y"])) { error in
                XCTAssertTrue(Macroscale.message(for: error).contains("\(setting) must be a non-negative number of steps or a finite non-negative time; got time \(value)"),
                              Macroscale.message(for: error))
            }
        }
    }

    /// An `--out` that is a file, or lies under one, used to print Foundation's NSCocoaErrorDomain text (finding 9).
    func testOutputPathBlockedByAFileIsNamed() throws {
        try Data("keep".utf8).write(to: dir.file("occupied"))
        for (out, fragment) in [(path("occupied"), "\(path("occupied")): is a file, not a directory"),
                                (path("occupied/stage"), "\(path("occupied/stage")): cannot create the directory: \(path("occupied")) is a file")] {
            XCTAssertThrowsError(try runMacroscale(["simulate", "ising", "--size", "4", "--runs", "1", "--steps", "1", "--out", out])) { error in
                XCTAssertTrue(Macroscale.message(for: error).contains(fragment), Macroscale.message(for: error))
            }
        }
        XCTAssertEqual(try String(contentsOf: dir.file("occupied"), encoding: .utf8), "keep")
    }
}
