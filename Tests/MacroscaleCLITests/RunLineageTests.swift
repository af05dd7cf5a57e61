import Artifacts
import Foundation
@testable import MacroscaleCLI
import Pipeline
import TestSupport
import XCTest

/// Lineage and relocation: a moved run is up to date, evolve's start states are found by digest and
/// index (also after a burn-in), `--dry-run` says what would run and why, `--set` overrides an option.
final class RunLineageTests: CommandTestCase {
    /// A cheap Curie–Weiss pipeline: upsampled and burnt-in evolve stages, each encoded and checked.
    let pipeline = """
        pipeline: lineage
        stages:
          - {name: simulate, run: simulate curie-weiss, with: {size: 8, runs: 20, steps: 10, seed: 1}}
          - {name: upsample, run: upsample, with: {input: $simulate, target-size: 16, snapshots: 200, window: 8, stride: 4, seed: 2}}
          - {name: evolve, run: evolve, with: {input: $upsample, seed: 3}}
          - {name: check, run: check-estimator, with: {evolved: $evolve, samples: 100, allow-bias: true, seed: 4}}
          - {name: encode, run: encode, with: {evolved: $evolve}}
          - {name: sde, run: train-sde, with: {pairs: $encode/partial.npz, mode: constantDiagonal, hidden: "8", lambda: K, epochs: 2, batch-size: 64, seed: 5}}
          - {name: evolve-burn, run: evolve, with: {input: $simulate, burn-in: 2, patch-size: 4, seed: 6}}
          - {name: check-burn, run: check-estimator, with: {evolved: $evolve-burn, samples: 100, allow-bias: true, seed: 7}}
          - {name: encode-burn, run: encode, with: {evolved: $evolve-burn}}
        profiles:
          quick: {}
        """
    let stages = ["simulate", "upsample", "evolve", "check", "encode", "sde", "evolve-burn", "check-burn", "encode-burn"]

    func pipelineFile() throws -> String {
        try pipeline.write(to: dir.file("lineage.yaml"), atomically: true, encoding: .utf8)
        return path("lineage.yaml")
    }

    /// Every stage's manifest, by stage.
    func manifests(_ root: String) throws -> [String: Data] {
        try Dictionary(uniqueKeysWithValues: stages.map { ($0, try Data(contentsOf: dir.file("\(root)/\($0)/manifest.json"))) })
    }

    /// The schedule `macroscale run` would follow for the pipeline at `root`.
    func schedule(_ root: String, settings: [String] = []) throws -> [String: String?] {
        let plan = try PipelinePlan(PipelineDefinition(contentsOf: URL(fileURLWithPath: try pipelineFile())), profile: "quick",
                                    root: dir.file(root), settings: settings.map(OptionSetting.init))
        return Dictionary(uniqueKeysWithValues: try RunSchedule(plan, from: nil, only: nil, force: false).entries.map { ($0.step.name, $0.reason) })
    }

    /// Standard output of the `macroscale` executable.
    func output(_ arguments: [String]) throws -> String {
        let (status, output) = try Subprocess.run(try executable(), arguments)
        XCTAssertEqual(status, 0, "macroscale \(arguments.joined(separator: " "))")
        return output
    }

    func testAMovedRunIsUpToDateAndDryRunSaysSo() throws {
        try runMacroscale(["run", try pipelineFile(), "--out", path("run")])
        let before = try manifests("run")
        try FileManager.default.moveItem(at: dir.file("run"), to: dir.file("moved"))
        for (stage, reason) in try schedule("moved") { XCTAssertNil(reason, "\(stage) is up to date where it was moved") }
        let dryRun = try output(["run", try pipelineFile(), "--out", path("moved"), "--dry-run"])
        XCTAssertEqual(dryRun.components(separatedBy: "up to date").count - 1, stages.count, dryRun)
        try runMacroscale(["run", try pipelineFile(), "--out", path("moved")])
        XCTAssertEqual(try manifests("moved"), before, "no stage ran again after the move")
        // Manifests name their inputs relative to their own directory.
        let evolve = try StageManifest.read(from: dir.file("moved/evolve"))
        XCTAssertEqual(evolve.inputs.map(\.path), ["../upsample/snapshots.npz"])

        // A changed upstream file is named as the reason, and downstream stages follow.
        try FileManager.default.removeItem(at: dir.file("moved/encode/manifest.json"))
        let stale = try schedule("moved")
        XCTAssertEqual(stale["encode"], "no finished manifest")
        XCTAssertEqual(stale["sde"], "upstream 'encode' runs")
        XCTAssertNil(stale["evolve"] ?? nil)
        let printed = try output(["run", try pipelineFile(), "--out", path("moved"), "--dry-run"])
        XCTAssertTrue(printed.contains("would run: upstream 'encode' runs"), printed)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("moved/encode/manifest.json")), "a dry run runs nothing")
        // A record in the format before relocatable runs (absolute arguments, no overrides) is stale.
        try Data(#"{"arguments": ["simulate"], "upstream": {}}"#.utf8).write(to: dir.file("moved/.pipeline/simulate.json"))
        XCTAssertEqual(try schedule("moved")["simulate"], "its run record is unreadable (written by an earlier version?)")
    }

    func testSetOverridesAnOptionAndIsRecorded() throws {
        try runMacroscale(["run", try pipelineFile(), "--out", path("run")])
        let reasons = try schedule("run", settings: ["sde.epochs=3"])
        XCTAssertEqual(reasons["sde"], "its arguments changed")
        XCTAssertEqual(reasons.filter { $0.value != nil }.map(\.key), ["sde"], "only the overridden stage")
        try runMacroscale(["run", try pipelineFile(), "--out", path("run"), "--set", "sde.epochs=3"])
        guard case .object(let config) = try StageManifest.read(from: dir.file("run/sde")).config,
              case .object(let sde)? = config["sde"] else { return XCTFail("no config") }
        XCTAssertEqual(sde["epochs"], .number(3))
        let record = try JSONDecoder().decode(RunRecord.self, from: Data(contentsOf: dir.file("run/.pipeline/sde.json")))
        XCTAssertEqual(record.overrides, ["epochs=3"])
        XCTAssertTrue(record.arguments.contains("--epochs=3"))
        XCTAssertTrue(record.arguments.contains("--out=$root/sde"), "the record does not name the run root")
        XCTAssertNil(try schedule("run", settings: ["sde.epochs=3"])["sde"] ?? nil, "up to date with the same --set")
        XCTAssertThrowsError(try OptionSetting("sde-epochs=3"))
        XCTAssertThrowsError(try schedule("run", settings: ["sdf.epochs=3"])) { XCTAssertTrue("\($0)".contains("no stage 'sdf'")) }
    }

    /// After `evolve --burn-in 2` on trajectories, every encoded pair starts from the snapshot its
    /// patch was cut from — checked in NumPy against the simulation's own file — and the estimator
    /// check pairs them the same way; a snapshot stage with another digest is refused.
    func testEncodeAfterBurnInPairsEachPatchWithItsSnapshot() throws {
        try runMacroscale(["run", try pipelineFile(), "--out", path("run")])
        guard case .object(let config) = try StageManifest.read(from: dir.file("run/evolve-burn")).config,
              case .object(let origin)? = config["snapshots"] else { return XCTFail("evolve records no snapshot origin") }
        XCTAssertEqual(origin["burnIn"], .number(2))
        XCTAssertEqual(origin["file"], .string("../simulate/trajectories.npz"))
        let check = """
            import sys, numpy as np
            states = np.load(sys.argv[1])["states"]            # [runs, records, L, L]
            evolved = np.load(sys.argv[2]); pairs = np.load(sys.argv[3]); increments = np.load(sys.argv[4])
            runs, records = states.shape[:2]
            flat = states.reshape(runs * records, *states.shape[2:])
            index = evolved["snapshotIndex"]
            assert len(index) == runs * (records - 2), len(index)
            assert sorted(index % records) == sorted(list(range(2, records)) * runs), "burn-in records skipped"
            start = flat[index]
            assert np.allclose(pairs["start"][:, 0], start.mean(axis=(1, 2))), "start = m of the patch's snapshot"
            p = evolved["patchBefore"].shape[1]
            for j, (i, k) in enumerate(evolved["patchOrigin"]):
                assert (start[j, i:i + p, k:k + p] == evolved["patchBefore"][j]).all(), f"patch {j} is not cut from its snapshot"
            after = evolved["patchAfter"].reshape(len(index), -1).mean(axis=1)
            before = evolved["patchBefore"].reshape(len(index), -1).mean(axis=1)
            assert np.allclose(pairs["next"][:, 0] - pairs["start"][:, 0], after - before), "the patch's own increment"
            assert np.allclose(increments["partial"][:, 0], (after - before)[:len(increments["partial"])])
            print(len(index))
            """
        let count = try Python.run(check, [path("run/simulate/trajectories.npz"), path("run/evolve-burn/evolved.npz"),
                                           path("run/encode-burn/partial.npz"), path("run/check-burn/increments.npz")])
        XCTAssertGreaterThan(Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, 100, "every start state after burn-in")

        XCTAssertThrowsError(try runMacroscale(["encode", "--evolved", path("run/evolve-burn"), "--snapshots", path("run/upsample"),
                                                "--out", path("wrong")])) { error in
            XCTAssertTrue("\(error)".contains("is not the snapshot file evolve started from"), "\(error)")
        }
        // Evolve stage moved away from its snapshots: found again with --snapshots.
        try FileManager.default.moveItem(at: dir.file("run/evolve-burn"), to: dir.file("elsewhere"))
        XCTAssertThrowsError(try runMacroscale(["encode", "--evolved", path("elsewhere"), "--out", path("lost")]))
        try runMacroscale(["encode", "--evolved", path("elsewhere"), "--snapshots", path("run/simulate"), "--out", path("found")])
        XCTAssertEqual(try Data(contentsOf: dir.file("found/partial.npz")), try Data(contentsOf: dir.file("run/encode-burn/partial.npz")))
    }
}
