import Artifacts
import Foundation
@testable import Stages
import TestSupport
import XCTest

/// Progress on a non-terminal standard error: train-sde's lines carry the epoch's losses, and
/// evaluate reports its rollouts and metrics per condition with the condition's MMD².
final class ProgressLinesTests: CommandTestCase {
    func testTrainingLinesShowTheLossAndEvaluateReportsEveryCondition() throws {
        let pipeline = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PipelineTests/tiny-curie-weiss.yaml").path
        let (status, errors) = try runExecutable(["run", pipeline, "--out", path("run")])
        XCTAssertEqual(status, 0, errors)
        let lines = errors.split(separator: "\n").map(String.init)
        // The final train-sde line ends in the last epoch's training loss, four significant digits.
        let history = try NPZArchive.read(dir.file("run/sde/history.npz"))
        let last = try XCTUnwrap(history.array("trainingLoss").doubleValues().last)
        XCTAssertTrue(lines.contains { $0.hasPrefix("train-sde: 20/20 (100%) in ") && $0.hasSuffix("; loss \(String(format: "%.4g", last))") },
                      "no final train-sde line with loss \(last):\n\(errors)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("train-sde: 1/20 (5%)") && $0.contains("; loss ") }, "the first line has the first epoch's loss")
        // evaluate: per test stage, the rollouts and the metrics of each condition (one condition each here).
        let metrics = try JSONDecoder().decode(EvaluateStage.Summary.self, from: Data(contentsOf: dir.file("run/evaluate/metrics.json")))
        for (stage, condition) in zip(["test-up", "test-down"], metrics.conditions) {
            let value = String(format: "%.4g", condition.temporalMMDV)
            XCTAssertTrue(lines.contains { $0.hasPrefix("evaluate \(stage) (rollouts, metrics per condition): 1/2") && $0.hasSuffix(": 12 rollouts done") }, errors)
            XCTAssertTrue(lines.contains { $0.hasPrefix("evaluate \(stage) (rollouts, metrics per condition): 2/2 (100%)") && $0.contains(": MMD² V \(value) (floor ") },
                          "no metrics line with MMD² V \(value) for \(stage):\n\(errors)")
        }
    }

    func testClosureTrainingLinesShowTheLossAndValidationLoss() throws {
        for arguments in [
            ["simulate", "predator-prey", "--points", "20", "--runs", "4", "--steps", "20", "--out", path("sim")],
            ["simulate", "predator-prey", "--points", "40", "--runs", "2", "--steps", "5", "--pairs", "--seed", "2", "--out", path("val")],
            ["upsample", "--input", path("sim"), "--target-size", "40", "--snapshots", "60", "--relax-steps", "0", "--out", path("up")],
        ] {
            try runMacroscale(arguments)
        }
        let (status, errors) = try runExecutable(["train-closure", "--input", path("up"), "--validation", path("val"), "--patch-size", "10",
                                                  "--epochs", "2", "--batch-size", "20", "--out", path("closure")])
        XCTAssertEqual(status, 0, errors)
        let history = try NPZArchive.read(dir.file("closure/history.npz"))
        let (loss, validation) = (try history.array("trainingLoss").doubleValues()[1], try history.array("validationLoss").doubleValues()[1])
        let expected = "; loss \(String(format: "%.4g", loss)), validation \(String(format: "%.4g", validation))"
        XCTAssertTrue(errors.split(separator: "\n").contains { $0.contains("(100%) in ") && $0.hasSuffix(expected) }, "no final line ending in '\(expected)':\n\(errors)")
    }
}
