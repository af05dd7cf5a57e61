import ArgumentParser
import Artifacts
import Execution
import Foundation
@testable import MacroscaleCLI
import TestSupport
import XCTest

final class SimulateCommandTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() {
        dir.remove()
        ThreadCount.set(0)
        Progress.quiet = false
    }

    func testSimulateIsingWritesAStageWithTheResolvedConfiguration() throws {
        var command = try Macroscale.parseAsRoot([
            "simulate", "ising", "--size", "8", "--runs", "2", "--steps", "3", "--steps-per-record", "2",
            "--m0", "0.5", "--seed", "11", "--out", dir.url.path, "--quiet", "--threads", "1",
        ])
        try command.run()
        let manifest = try StageManifest.read(from: dir.url)
        XCTAssertEqual(manifest.seed, 11)
        XCTAssertEqual(manifest.threads, 1)
        guard case .object(let stage) = manifest.config, case .object(let config)? = stage["system"] else {
            return XCTFail("config has no system object")
        }
        XCTAssertEqual(stage["runs"], .number(2))
        XCTAssertEqual(config["temperature"], .number(2.5), "the reference temperature fills in")
        XCTAssertEqual(config["stepsPerRecord"], .number(2))
        XCTAssertEqual(config["dynamics"], .string("glauber"))
        let archive = try NPZArchive.read(dir.file("trajectories.npz"))
        XCTAssertEqual(try archive.array("states").shape, [2, 4, 8, 8])
        XCTAssertEqual(try archive.array("initial").elements(as: Double.self), [0.5, 0.5])
    }

    func testInvalidOptionsAreRejectedWithClearMessages() {
        func message(_ arguments: [String]) -> String {
            do {
                _ = try Macroscale.parseAsRoot(arguments)
                return "parsed"
            } catch {
                return Macroscale.message(for: error)
            }
        }
        XCTAssertTrue(message(["simulate", "ising", "--dynamics", "heat-bath", "--size", "5", "--out", "x"]).contains("even --size"))
        XCTAssertTrue(message(["simulate", "curie-weiss", "--m0", "2", "--out", "x"]).contains("--m0 must be"))
        XCTAssertTrue(message(["simulate", "predator-prey", "--initial", "fancy", "--out", "x"]).contains("'training' or 'test'"))
        XCTAssertTrue(message(["simulate", "ising", "--runs", "0", "--out", "x"]).contains("--runs must be at least 1"))
        XCTAssertTrue(message(["simulate", "ising", "--threads", "0", "--out", "x"]).contains("--threads must be at least 1"))
        XCTAssertTrue(message(["simulate", "ising"]).contains("--out"))
    }
}
