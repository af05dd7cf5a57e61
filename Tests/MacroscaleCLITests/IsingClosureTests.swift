import Artifacts
import Foundation
@testable import MacroscaleCLI
import TestSupport
import XCTest

/// Ising with learned closure variables, end to end: the convolutional autoencoder is trained on
/// upsampled snapshots, encodes the evolved patches and the test trajectories, and the SDE over
/// (m, ρ, ẑ) is learned, rolled out and evaluated. Tiny sizes: it checks that the stages fit
/// together (shapes, finiteness, the latent dimension), not what is learned.
final class IsingClosureTests: CommandTestCase {
    func testIsingWithClosureVariablesRunsEndToEnd() throws {
        let common = ["--threads", "1"]
        try runMacroscale(["simulate", "ising", "--size", "8", "--runs", "8", "--steps", "6", "--seed", "1", "--out", path("small")] + common)
        try runMacroscale(["simulate", "ising", "--size", "16", "--runs", "2", "--steps", "4", "--pairs", "--seed", "2", "--out", path("validation")] + common)
        try runMacroscale(["simulate", "ising", "--size", "16", "--runs", "4", "--steps", "4", "--m0", "0.5", "--seed", "3", "--out", path("test")] + common)
        try runMacroscale(["upsample", "--input", path("small"), "--target-size", "16", "--snapshots", "48", "--window", "8", "--stride", "4",
                           "--relax-time", "1", "--seed", "4", "--out", path("upsample")] + common)
        try runMacroscale(["evolve", "--input", path("upsample"), "--time", "0.5", "--seed", "5", "--out", path("evolve")] + common)
        try runMacroscale(["train-closure", "--input", path("upsample"), "--validation", path("validation"), "--closure-dimension", "2",
                           "--epochs", "2", "--batch-size", "16", "--seed", "6", "--out", path("closure")] + common)
        try runMacroscale(["encode", "--evolved", path("evolve"), "--validation", path("validation"), "--closure", path("closure"), "--out", path("encode")] + common)

        let pairs = try NPZArchive.read(dir.file("encode/partial.npz"))
        let start = try pairs.array("start")
        XCTAssertEqual(start.shape, [48, 4], "48 evolved patches, latent (m, ρ) plus 2 closure variables")
        let latents = try start.elements(as: Double.self) + pairs.array("next").elements(as: Double.self)
        XCTAssertTrue(latents.allSatisfy(\.isFinite))
        XCTAssertGreaterThan(Set(stride(from: 2, to: start.count, by: 4).map { latents[$0] }).count, 1, "the closure variables vary between snapshots")

        // Trained long enough (200 epochs of 3 batches) to stay near its data: a 2-epoch model runs
        // away from the training range and evaluate refuses to score it, naming the runaways.
        try runMacroscale(["train-sde", "--pairs", path("encode/partial.npz"), "--mode", "diagonal", "--hidden", "8", "--lambda", "K",
                           "--epochs", "2", "--batch-size", "16", "--seed", "7", "--out", path("sde-2")] + common)
        XCTAssertThrowsError(try runMacroscale(["evaluate", "--model", path("sde-2"), "--test", path("test"), "--closure", path("closure"),
                                                "--seed", "8", "--out", path("evaluate-2")] + common)) { error in
            XCTAssertTrue("\(error)".contains("rollouts ran away"), "\(error)")
        }
        try runMacroscale(["train-sde", "--pairs", path("encode/partial.npz"), "--mode", "diagonal", "--hidden", "8", "--lambda", "K",
                           "--epochs", "200", "--batch-size", "16", "--seed", "7", "--out", path("sde")] + common)
        try runMacroscale(["evaluate", "--model", path("sde"), "--test", path("test"), "--closure", path("closure"), "--seed", "8", "--out", path("evaluate")] + common)
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.file("evaluate/metrics.json"))) as! [String: Any]
        XCTAssertTrue((metrics["averageMMDV"] as? Double)?.isFinite == true, "\(metrics)")
        XCTAssertTrue((metrics["relativeError"] as? Double)?.isFinite == true, "\(metrics)")
    }
}
