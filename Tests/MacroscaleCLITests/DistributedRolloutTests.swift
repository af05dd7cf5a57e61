import Artifacts
import Foundation
import XCTest

/// Rollouts under `mpirun`: `rollout` and `evaluate` share the trajectories among the ranks in
/// whole chunks (`Rollout.chunk`) and write the bytes of one process.
extension DistributedRunTests {
    func testRolloutAndEvaluateUnderMPIRunWriteTheBytesOfOneProcess() throws {
        try encodeCurieWeissPairs()
        try runMacroscale(["train-sde", "--pairs", path("enc/partial.npz"), "--mode", "diagonal", "--hidden", "8", "--lambda", "K", "--epochs", "2",
                           "--batch-size", "64", "--seed", "5", "--out", path("sde"), "--quiet"])
        // 70 test runs and 100 initial latents: three chunks each, the last short, one per rank.
        try runMacroscale(["simulate", "curie-weiss", "--size", "16", "--runs", "70", "--steps", "6", "--m0", "0.5", "--seed", "7", "--out", path("test")])
        let commands = [
            ["rollout", "--model", path("sde"), "--initial", path("enc/partial.npz") + ":start[:100]", "--steps", "40", "--dt", "0.5", "--seed", "8"],
            ["evaluate", "--model", path("sde"), "--test", path("test"), "--seed", "9"],
        ]
        for command in commands {
            let run = try mpirun(command + ["--out", path("ranks/\(command[0])"), "--quiet"], ranks: 3)
            XCTAssertEqual(run.status, 0, run.errors)
            try runMacroscale(command + ["--out", path("alone/\(command[0])"), "--quiet"])
            XCTAssertEqual(try StageManifest.read(from: dir.file("ranks/\(command[0])")).ranks, 3, "\(command[0]) was shared by the three ranks")
        }
        let alone = try outputDigests(path("alone"))
        XCTAssertEqual(try outputDigests(path("ranks")), alone)
        XCTAssertTrue(alone.keys.contains("rollout/rollouts.npz") && alone.keys.contains("evaluate/samples.npz"), "\(alone.keys.sorted())")
    }

    /// Curie–Weiss pairs, by one process: 300 snapshots of 16² upsampled from 8² simulations, evolved
    /// and encoded (`enc/partial.npz`).
    func encodeCurieWeissPairs() throws {
        try runMacroscale(["simulate", "curie-weiss", "--size", "8", "--runs", "20", "--steps", "12", "--seed", "1", "--out", path("sim")])
        try runMacroscale(["upsample", "--input", path("sim"), "--target-size", "16", "--snapshots", "300", "--window", "8", "--stride", "4",
                           "--seed", "3", "--out", path("up")])
        try runMacroscale(["evolve", "--input", path("up"), "--seed", "4", "--out", path("ev")])
        try runMacroscale(["encode", "--evolved", path("ev"), "--out", path("enc")])
    }
}
