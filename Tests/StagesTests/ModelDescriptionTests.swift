@testable import Artifacts
import Foundation
@testable import Stages
import TestSupport
import XCTest

/// n_s found by walking manifests upstream of a model, and damaged manifests giving "unknown", never a trap.
final class ModelDescriptionTests: XCTestCase {
    /// Writes a minimal finished-stage manifest of `stage` into `directory`, naming `inputs` (relative paths).
    func write(_ stage: String, config: JSONValue, inputs: [String], in directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let manifest = StageManifest(stage: stage, toolVersion: "test", config: config, seed: 1,
                                     inputs: inputs.map { StageManifest.Input(path: $0, sha256: "") }, outputs: [],
                                     startTime: "", endTime: "", wallSeconds: 0, threads: 1)
        try manifest.encoded().write(to: directory.appendingPathComponent(StageManifest.fileName))
    }

    func testSmallSitesComeFromTheUpsampleStageUpstream() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try write("upsample", config: ["smallShape": [8, 8]], inputs: ["../simulate/trajectories.npz"], in: dir.file("upsample"))
        try write("evolve", config: [:], inputs: ["../upsample/snapshots.npz"], in: dir.file("evolve"))
        try write("simulate", config: ["pairs": true], inputs: [], in: dir.file("validation"))
        try write("encode", config: [:], inputs: ["../validation/pairs.npz", "../evolve/evolved.npz"], in: dir.file("encode"))
        try write("train-sde", config: [:], inputs: ["../encode/partial.npz"], in: dir.file("sde"))
        XCTAssertEqual(ModelDescription.smallSites(upstreamOf: dir.file("sde")), 64)
        XCTAssertNil(ModelDescription.smallSites(upstreamOf: dir.file("validation")), "no upsample stage upstream")
        // A damaged smallShape: unknown, not a crash.
        for shape: JSONValue in [[1e300, 2], [-3], [2.5], ["x"], [], [1e9, 1e9, 1e9]] {
            try write("upsample", config: ["smallShape": shape], inputs: [], in: dir.file("upsample"))
            XCTAssertNil(ModelDescription.smallSites(upstreamOf: dir.file("sde")), "\(shape)")
        }
    }

    func testNumbersByNameOrDottedPath() {
        let config: JSONValue = ["sde": ["epochs": 20, "lambda": "K"], "timeScale": 0.5]
        XCTAssertEqual(ModelDescription.number("epochs", in: config), 20)
        XCTAssertEqual(ModelDescription.number("sde.epochs", in: config), 20)
        XCTAssertEqual(ModelDescription.number("timeScale", in: config), 0.5)
        XCTAssertNil(ModelDescription.number("lambda", in: config), "a string is not a number")
        XCTAssertNil(ModelDescription.number("sde.missing", in: config))
    }
}
