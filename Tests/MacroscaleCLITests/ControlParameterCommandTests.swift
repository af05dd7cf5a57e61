import Artifacts
import Foundation
import MacroSDE
@testable import MacroscaleCLI
import TestSupport
import XCTest

/// Control parameters through the command line: Curie–Weiss encoded at two temperatures, one SDE
/// trained on both, rolled out, evaluated and checked at given temperatures; and the refusals.
final class ControlParameterCommandTests: CommandTestCase {
    /// simulate → upsample → evolve at temperature `t` (L_s = 8 → L = 16), with a validation stage.
    private func evolve(at t: String) throws {
        try runMacroscale(["simulate", "curie-weiss", "--size", "8", "--runs", "20", "--steps", "12", "--temperature", t, "--seed", "1",
                           "--out", path("sim-\(t)")])
        try runMacroscale(["simulate", "curie-weiss", "--size", "16", "--runs", "4", "--steps", "12", "--pairs", "--temperature", t, "--seed", "2",
                           "--out", path("val-\(t)")])
        try runMacroscale(["upsample", "--input", path("sim-\(t)"), "--target-size", "16", "--snapshots", "300", "--window", "8", "--stride", "4",
                           "--seed", "3", "--out", path("up-\(t)")])
        try runMacroscale(["evolve", "--input", path("up-\(t)"), "--seed", "4", "--out", path("ev-\(t)")])
    }

    private func train(_ pairs: [String], validation: [String] = [], out: String, epochs: String = "2") throws {
        try runMacroscale(["train-sde"] + pairs.flatMap { ["--pairs", path($0)] } + validation.flatMap { ["--validation", path($0)] }
                          + ["--mode", "diagonal", "--hidden", "8", "--lambda", "K", "--epochs", epochs, "--batch-size", "64",
                             "--rescale-time", "--seed", "5", "--out", path(out)])
    }

    func testEncodeAtTwoTemperaturesTrainsOneModelRolledOutAndEvaluatedAtEach() throws {
        for t in ["1.2", "1.6"] {
            try evolve(at: t)
            try runMacroscale(["encode", "--evolved", path("ev-\(t)"), "--validation", path("val-\(t)"), "--control", "temperature", "--out", path("enc-\(t)")])
            try runMacroscale(["simulate", "curie-weiss", "--size", "16", "--runs", "6", "--steps", "12", "--m0", "0.5", "--temperature", t, "--seed", "6",
                               "--out", path("test-\(t)")])
        }
        let encoded = try StageManifest.read(from: dir.file("enc-1.6"))
        guard case .object(let config) = encoded.config else { return XCTFail("encode config") }
        XCTAssertEqual(config["controls"], .array([.string("temperature")]))
        for file in ["partial", "naive", "validation"] {
            let controls = try NPZArchive.read(dir.file("enc-1.6/\(file).npz")).array("controls")
            XCTAssertEqual(controls.shape.count, 2)
            XCTAssertEqual(controls.shape[1], 1)
            XCTAssertEqual(Set(try controls.elements(as: Double.self)), [1.6], file)
        }

        try train(["enc-1.2/partial.npz", "enc-1.6/partial.npz"], validation: ["enc-1.2/validation.npz", "enc-1.6/validation.npz"], out: "sde")
        let manifest = try StageManifest.read(from: dir.file("sde"))
        guard case .object(let fit) = manifest.config, case .object(let lineage)? = fit["lineage"], case .object(let controls)? = fit["controls"] else {
            return XCTFail("train-sde records its lineage and controls")
        }
        XCTAssertEqual(lineage["controls"], .array([.string("temperature")]))
        XCTAssertEqual(controls["names"], .array([.string("temperature")]))
        XCTAssertEqual(manifest.inputs.count, 4, "both pair files and both validation files are inputs")
        let pairs = try ["1.2", "1.6"].map { try NPZArchive.read(dir.file("enc-\($0)/partial.npz")).array("dt").shape[0] }
        guard case .array(let mean)? = controls["mean"], case .number(let recordedMean)? = mean.first else { return XCTFail("control mean") }
        XCTAssertEqual(recordedMean, (1.2 * Double(pairs[0]) + 1.6 * Double(pairs[1])) / Double(pairs[0] + pairs[1]), accuracy: 1e-12,
                       "the mean over the concatenated training pairs")

        try runMacroscale(["rollout", "--model", path("sde"), "--initial", path("enc-1.2/partial.npz") + ":start", "--steps", "4", "--dt", "1",
                           "--control", "temperature=1.4", "--seed", "7", "--out", path("roll")])
        let rolled = try NPZArchive.read(dir.file("roll/rollouts.npz")).array("trajectories")
        XCTAssertEqual(rolled.shape, [pairs[0], 5, 1])
        XCTAssertTrue(try rolled.elements(as: Float.self).allSatisfy(\.isFinite))

        try runMacroscale(["evaluate", "--model", path("sde"), "--test", path("test-1.2"), "--test", path("test-1.6"), "--seed", "8", "--out", path("eval")])
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.file("eval/metrics.json"))) as? [String: Any]
        let conditions = try XCTUnwrap(metrics?["conditions"] as? [[String: Any]])
        XCTAssertEqual(conditions.compactMap { ($0["controls"] as? [String: Double])?["temperature"] }, [1.2, 1.6])
        XCTAssertTrue(try String(contentsOf: dir.file("eval/metrics.csv")).hasPrefix("source,initial_m0,control_temperature,trajectories,"))

        try runMacroscale(["check-dynamics", "--model", path("sde"), "--test", path("test-1.2"), "--test", path("test-1.6"), "--grid-points", "3",
                           "--out", path("dynamics")])
        let dynamics = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.file("dynamics/dynamics.json"))) as? [String: Any]
        let points = try XCTUnwrap(dynamics?["points"] as? [[String: Any]])
        XCTAssertEqual(points.compactMap { $0["label"] as? String }, ["grid at temperature=1.2"] + Array(repeating: "grid at temperature=1.2", count: 2)
                       + Array(repeating: "grid at temperature=1.6", count: 3), "one exact-law grid per temperature")
    }

    /// `encode --clock sweeps`: δt divided by the small simulation's mean sweep (validation δt by
    /// the validation stage's), the clock in the lineage through train-sde, a test stage recorded
    /// every four sweeps measured in its own sweeps by evaluate, and refusals where clocks differ.
    func testSweepClockRunsFromEncodeToEvaluate() throws {
        try evolve(at: "1.2")
        try runMacroscale(["encode", "--evolved", path("ev-1.2"), "--validation", path("val-1.2"), "--out", path("seconds")])
        try runMacroscale(["encode", "--evolved", path("ev-1.2"), "--validation", path("val-1.2"), "--clock", "sweeps", "--out", path("sweeps")])
        /// The mean interval between records of a simulate stage, over runs.
        func recordedInterval(_ stage: String) throws -> Double {
            let times = try NPZArchive.read(dir.file("\(stage)/trajectories.npz")).array("times")
            let values = try times.elements(as: Double.self), runs = times.shape[0], records = times.shape[1]
            return (0..<runs).reduce(0) { $0 + values[$1 * records + records - 1] - values[$1 * records] } / Double(runs * (records - 1))
        }
        for (file, simulation) in [("partial", "sim-1.2"), ("validation", "val-1.2")] {
            let seconds = try NPZArchive.read(dir.file("seconds/\(file).npz")).array("dt").elements(as: Double.self)
            let sweeps = try NPZArchive.read(dir.file("sweeps/\(file).npz")).array("dt").elements(as: Double.self)
            let sweep = try recordedInterval(simulation)  // one sweep per record
            XCTAssertEqual(sweeps.count, seconds.count)
            for (a, b) in zip(sweeps, seconds) { XCTAssertEqual(a, b / sweep, accuracy: 1e-12 * b / sweep, file) }
        }
        let encoded = try StageManifest.read(from: dir.file("sweeps"))
        guard case .object(let config) = encoded.config else { return XCTFail("encode config") }
        XCTAssertEqual(config["clock"], .string("sweeps"))
        XCTAssertTrue(encoded.inputs.contains { $0.path.hasSuffix("sim-1.2/trajectories.npz") }, "the simulation δt was measured by is an input")

        let mixed = refusal(["train-sde", "--pairs", path("sweeps/partial.npz"), "--pairs", path("seconds/partial.npz"), "--lambda", "K", "--out", path("never")])
        XCTAssertTrue(mixed.contains("controls none, clock sweeps)"), mixed)
        try train(["sweeps/partial.npz"], validation: ["sweeps/validation.npz"], out: "sde", epochs: "20")
        try train(["seconds/partial.npz"], out: "sde-seconds", epochs: "20")
        guard case .object(let fit) = try StageManifest.read(from: dir.file("sde")).config, case .object(let lineage)? = fit["lineage"] else {
            return XCTFail("train-sde records its lineage")
        }
        XCTAssertEqual(lineage["clock"], .string("sweeps"))
        XCTAssertEqual(try SDECheckpoint.load(from: dir.file("sde/model.safetensors")).clock, "sweeps", "the file alone names its clock")
        XCTAssertNil(try SDECheckpoint.load(from: dir.file("sde-seconds/model.safetensors")).clock)

        // Four sweeps per record: the grid of three records ends near 12 sweeps, whatever a sweep lasts in Glauber time.
        try runMacroscale(["simulate", "curie-weiss", "--size", "16", "--runs", "6", "--steps", "3", "--steps-per-record", "4", "--m0", "0.5",
                           "--temperature", "1.2", "--seed", "6", "--out", path("test")])
        let physicalEnd = 3 * (try recordedInterval("test"))
        XCTAssertGreaterThan(abs(physicalEnd - 12), 6, "a sweep is not one Glauber time unit here, so the clocks differ")
        try runMacroscale(["evaluate", "--model", path("sde"), "--test", path("test"), "--seed", "8", "--out", path("eval")])
        let grid = try NPYFile.read(dir.file("eval/times.npy")).elements(as: Double.self)
        XCTAssertEqual(grid.last ?? 0, 12, accuracy: 1.5, "the grid ends near 12 sweeps")
        XCTAssertTrue(try String(contentsOf: dir.file("eval/report/index.html")).contains("time in sweeps"))
        XCTAssertTrue(refusal(["check-dynamics", "--model", path("sde"), "--test", path("test"), "--out", path("never")]).contains("runs on sweeps"))
        XCTAssertTrue(refusal(["evaluate", "--model", path("sde"), "--reference-model", path("sde-seconds"), "--test", path("test"), "--out", path("never")])
            .contains("clock"))
    }

    func testMissingControlsAndMismatchedLineagesAreRefused() throws {
        try evolve(at: "1.2")
        try evolve(at: "1.6")
        XCTAssertTrue(refusal(["encode", "--evolved", path("ev-1.2"), "--control", "pressure", "--out", path("never")])
            .contains("its system configuration has no control parameter 'pressure' (it records field, m0, size, stepsPerRecord, system, temperature)"))
        XCTAssertTrue(refusal(["encode", "--evolved", path("ev-1.2"), "--control", "m0", "--out", path("never")])
            .contains("the control parameter 'm0' of its system configuration is not a finite number"))
        XCTAssertTrue(refusal(["encode", "--evolved", path("ev-1.2"), "--control", "a,b", "--out", path("never")])
            .contains("without ',', '=' or spaces"))
        XCTAssertTrue(refusal(["encode", "--evolved", path("ev-1.2"), "--validation", path("val-1.6"), "--control", "temperature", "--out", path("never")])
            .contains("simulates at temperature=1.6; the evolved snapshots are at temperature=1.2"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("never/manifest.json")))

        try runMacroscale(["encode", "--evolved", path("ev-1.2"), "--control", "temperature", "--out", path("enc-1.2")])
        try runMacroscale(["encode", "--evolved", path("ev-1.6"), "--out", path("plain-1.6")])
        let mixed = refusal(["train-sde", "--pairs", path("enc-1.2/partial.npz"), "--pairs", path("plain-1.6/partial.npz"), "--lambda", "K", "--out", path("never")])
        XCTAssertTrue(mixed.contains("plain-1.6/partial.npz: holds training latents (magnetization of curie-weiss, closure none, controls none) other than those of"), mixed)
        XCTAssertTrue(mixed.contains("(magnetization of curie-weiss, closure none, controls temperature)"), mixed)

        try train(["enc-1.2/partial.npz"], out: "sde", epochs: "1")
        try train(["plain-1.6/partial.npz"], out: "plain-sde", epochs: "1")
        let rollout = ["rollout", "--initial", path("enc-1.2/partial.npz") + ":start", "--steps", "2", "--dt", "1", "--out", path("never")]
        XCTAssertTrue(refusal(rollout + ["--model", path("sde")]).contains("the model is conditioned on temperature: give --control NAME=VALUE for each and no other; got none"))
        XCTAssertTrue(refusal(rollout + ["--model", path("sde"), "--control", "field=0"]).contains("got field"))
        XCTAssertTrue(refusal(rollout + ["--model", path("plain-sde"), "--control", "temperature=1.2"])
            .contains("the model has no control parameters; remove --control temperature"))
        XCTAssertTrue(refusal(rollout + ["--model", path("sde"), "--control", "temperature"]).contains("--control must be NAME=VALUE"))
        XCTAssertTrue(refusal(rollout + ["--model", path("sde"), "--control", "temperature=1", "--control", "temperature=2"]).contains("given twice"))
        // A test stage whose system does not record the model's control (here one of another system, refused for that too, later).
        try runMacroscale(["simulate", "predator-prey", "--points", "40", "--runs", "2", "--steps", "3", "--seed", "2", "--out", path("pp")])
        let evaluation = refusal(["evaluate", "--model", path("sde"), "--test", path("pp"), "--out", path("never")])
        XCTAssertTrue(evaluation.contains("pp: its system configuration has no control parameter 'temperature'"), evaluation)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("never/manifest.json")))
    }

    /// In a pipeline file, encode's `control` and train-sde's `pairs` are YAML lists like other repeatable options.
    func testPipelinesGiveControlsAndPairFilesAsLists() throws {
        try """
            pipeline: controls
            stages:
              - {name: sim-a, run: simulate curie-weiss, with: {size: 8, runs: 20, steps: 12, temperature: 1.2, seed: 1}}
              - {name: sim-b, run: simulate curie-weiss, with: {size: 8, runs: 20, steps: 12, temperature: 1.6, seed: 1}}
              - {name: up-a, run: upsample, with: {input: $sim-a, target-size: 16, snapshots: 300, window: 8, stride: 4, seed: 3}}
              - {name: up-b, run: upsample, with: {input: $sim-b, target-size: 16, snapshots: 300, window: 8, stride: 4, seed: 3}}
              - {name: ev-a, run: evolve, with: {input: $up-a, seed: 4}}
              - {name: ev-b, run: evolve, with: {input: $up-b, seed: 4}}
              - {name: enc-a, run: encode, with: {evolved: $ev-a, control: [temperature]}}
              - {name: enc-b, run: encode, with: {evolved: $ev-b, control: [temperature]}}
              - {name: sde, run: train-sde, with: {pairs: [$enc-a/partial.npz, $enc-b/partial.npz], mode: diagonal, hidden: "8", lambda: K,
                                                   epochs: 2, batch-size: 64, seed: 5}}
            profiles:
              quick: {}
            """.write(to: dir.file("controls.yaml"), atomically: true, encoding: .utf8)
        try runMacroscale(["run", path("controls.yaml"), "--profile", "quick", "--out", path("run")])
        let manifest = try StageManifest.read(from: dir.file("run/sde"))
        XCTAssertEqual(manifest.inputs.map(\.path), ["../enc-a/partial.npz", "../enc-b/partial.npz"])
        guard case .object(let config) = manifest.config, case .object(let controls)? = config["controls"] else { return XCTFail("controls recorded") }
        XCTAssertEqual(controls["names"], .array([.string("temperature")]))
    }
}
