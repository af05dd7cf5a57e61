import Artifacts
import Foundation
@testable import MacroscaleCLI
import Reports
@testable import Stages
import TestSupport
import XCTest

/// Output for scripts: `--json` on run, evaluate, compare and mmd; CSV columns; the model and the
/// conditions' parameters by name in the metrics files; four significant digits for people.
final class ScriptOutputTests: CommandTestCase {
    var tinyPipeline: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PipelineTests/tiny-curie-weiss.yaml").path
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func file(_ name: String) throws -> [String: Any] {
        try json(String(contentsOf: dir.file(name), encoding: .utf8))
    }

    /// One pipeline run: `run --json`, then `evaluate --json` on its model, the metrics files'
    /// model and parameter fields, their CSV columns, and the run's human summary.
    func testRunAndEvaluateJSONAgreeWithTheMetricsFiles() throws {
        let run = try json(try macroscale(["run", tinyPipeline, "--out", path("run"), "--json", "--quiet"]))
        XCTAssertEqual(run["pipeline"] as? String, "tiny-curie-weiss")
        XCTAssertEqual(run["dryRun"] as? Bool, false)
        XCTAssertEqual(run["index"] as? String, dir.file("run/index.html").path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("run/index.html").path))
        let stages = try XCTUnwrap(run["stages"] as? [[String: Any]])
        XCTAssertEqual(stages.map { $0["name"] as? String }, ["simulate", "validation", "test-up", "test-down", "upsample", "evolve", "encode",
                                                               "sde", "sde-naive", "evaluate", "evaluate-naive"])
        XCTAssertTrue(stages.allSatisfy { $0["status"] as? String == "ran" })
        let evaluate = try XCTUnwrap(stages.first { $0["name"] as? String == "evaluate" })
        let written = try file("run/evaluate/metrics.json")
        let reported = try XCTUnwrap(evaluate["metrics"] as? [String: Any])
        XCTAssertEqual(reported["averageMMDV"] as? Double, try XCTUnwrap(written["averageMMDV"] as? Double))
        XCTAssertEqual(reported["relativeError"] as? Double, written["relativeError"] as? Double)
        XCTAssertEqual(evaluate["report"] as? String, dir.file("run/evaluate/report/index.html").path)
        XCTAssertNil(stages.first { $0["name"] as? String == "sde" }?["metrics"])

        // The model and the conditions' parameters by name.
        let model = try XCTUnwrap(written["model"] as? [String: Any])
        XCTAssertEqual(model["stage"] as? String, dir.file("run/sde").path)
        XCTAssertEqual(model["lambda"] as? Double, 4, "λ = K resolved: 16 = 4 patches of 8")
        XCTAssertEqual(model["lambdaSetting"] as? String, "K")
        XCTAssertEqual(model["patches"] as? Int, 4)
        XCTAssertEqual(model["diffusion"] as? String, "constantDiagonal")
        XCTAssertEqual(model["seed"] as? Int, 7)
        let conditions = try XCTUnwrap(written["conditions"] as? [[String: Any]])
        XCTAssertEqual(conditions.map { $0["parameters"] as? [String: Double] }, [["m0": 0.6], ["m0": -0.6]])
        XCTAssertEqual((try file("run/evaluate-naive/metrics.json")["model"] as? [String: Any])?["lambda"] as? Double, 1)

        // metrics.csv: one row per condition; the averages in metrics_average.csv; the model in both.
        let rows = try String(contentsOf: dir.file("run/evaluate/metrics.csv"), encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(Array(rows[0].prefix(4)), ["source", "initial_m0", "trajectories", "temporal_mmd_v"])
        XCTAssertEqual(Array(rows[0].suffix(6)), ["model", "lambda", "lambda_setting", "patches", "diffusion", "model_seed"])
        XCTAssertEqual(rows.dropFirst().map { $0[1] }, ["0.6", "-0.6"])
        // (JSONSerialization on Linux may read a double one unit in the last place off; JSONDecoder and Python read it exactly.)
        for (row, condition) in zip(rows.dropFirst(), conditions) {
            XCTAssertEqual(try XCTUnwrap(Double(row[3])), try XCTUnwrap(condition["temporalMMDV"] as? Double), accuracy: 1e-14)
        }
        XCTAssertEqual(Array(rows[1].suffix(5)), ["4.0", "K", "4", "constantDiagonal", "7"])
        let average = try String(contentsOf: dir.file("run/evaluate/metrics_average.csv"), encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(average.count, 2)
        XCTAssertEqual(Array(average[0].prefix(3)), ["conditions", "average_mmd_v", "noise_floor_mmd_v"])
        XCTAssertEqual(average[1][0], "2")
        XCTAssertEqual(try XCTUnwrap(Double(average[1][1])), try XCTUnwrap(written["averageMMDV"] as? Double), accuracy: 1e-14)

        // evaluate --json prints metrics.json's document, and only it.
        let output = try macroscale(["evaluate", "--model", path("run/sde"), "--test", path("run/test-up"), "--seed", "9", "--out", path("again"), "--json", "--quiet"])
        try output.write(to: dir.file("evaluate.json"), atomically: true, encoding: .utf8)
        let printed = try json(output), again = try file("again/metrics.json")
        XCTAssertEqual(printed["averageMMDV"] as? Double, try XCTUnwrap(again["averageMMDV"] as? Double))
        XCTAssertEqual((printed["conditions"] as? [[String: Any]])?.first?["temporalMMDU"] as? Double,
                       (again["conditions"] as? [[String: Any]])?.first?["temporalMMDU"] as? Double)
        XCTAssertEqual(try Python.run("""
            import json, sys
            printed, written = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
            assert printed == written, (printed, written)
            assert printed['model']['patches'] == 4 and printed['conditions'][0]['parameters'] == {'m0': 0.6}, printed
            print('ok')
            """, [path("evaluate.json"), path("again/metrics.json")]), "ok\n")

        // For people: four significant digits.
        let summary = try macroscale(["run", tinyPipeline, "--out", path("run"), "--quiet"])
        let line = try XCTUnwrap(summary.split(separator: "\n").first { $0.hasPrefix("  evaluate: average MMD² V ") }, summary)
        XCTAssertEqual(String(line), "  evaluate: average MMD² V \(SignificantDigits.text(written["averageMMDV"] as? Double)), "
                       + "U \(SignificantDigits.text(written["averageMMDU"] as? Double)), relative error \(SignificantDigits.text(written["relativeError"] as? Double))")
        for token in line.split(whereSeparator: { $0 == " " || $0 == "," }) where Double(token) != nil {
            let mantissa = token.prefix { $0 != "e" }.filter(\.isNumber).drop { $0 == "0" }
            XCTAssertLessThanOrEqual(mantissa.count, 4, "\(token) in \(line)")
        }
        let dryRun = try json(try macroscale(["run", tinyPipeline, "--out", path("run"), "--json", "--dry-run", "--from", "evaluate"]))
        XCTAssertEqual((dryRun["stages"] as? [[String: Any]])?.compactMap { $0["status"] as? String }.suffix(2), ["would run", "would run"])
    }

    /// compare --json: the rows in table order, best marked, the metrics under the CSV's keys at full precision.
    func testCompareJSON() throws {
        for (name, value) in [("lambda1", 0.123456789), ("lambda5", 0.05)] {
            let conditions = [EvaluateStage.ConditionMetrics(source: "test", initial: [0.5], trajectories: 20, temporalMMDV: value, temporalMMDU: value / 2,
                                                             relativeError: 0.01, relativeErrorPerComponent: [0.01], nonFiniteRollouts: 0)]
            let summary = EvaluateStage.Summary(latent: ["m"], bandwidths: [1], conditions: conditions, averageMMDV: value, averageMMDU: value / 2, relativeError: 0.01)
            try FileManager.default.createDirectory(at: dir.file(name), withIntermediateDirectories: true)
            try JSONEncoder().encode(summary).write(to: dir.file("\(name)/metrics.json"))
        }
        let output = try macroscale(["compare", path("lambda1"), path("lambda5"), "--json"])
        let document = try json(output)
        XCTAssertEqual(document["best"] as? String, "lambda5")
        XCTAssertEqual(document["sort"] as? String, "mmd-v")
        let rows = try XCTUnwrap(document["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["label"] as? String }, ["lambda5", "lambda1"])
        XCTAssertEqual(rows.map { $0["best"] as? Bool }, [true, false])
        let metrics = try XCTUnwrap(rows[1]["metrics"] as? [String: Any])
        XCTAssertEqual(metrics["average_mmd_v"] as? Double, 0.123456789)
        XCTAssertEqual(metrics["relative_error_m"] as? Double, 0.01)
        XCTAssertTrue(metrics["noise_floor_mmd_v"] is NSNull)
        XCTAssertNil(rows[0]["deviations"], "deviations only for grouped rows")
        try output.write(to: dir.file("compare.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try Python.run("""
            import json, sys
            d = json.load(open(sys.argv[1]))
            assert [r['label'] for r in d['rows']] == ['lambda5', 'lambda1'] and d['rows'][1]['metrics']['average_mmd_v'] == 0.123456789, d
            assert d['columns'][0] == 'average_mmd_v' and d['rows'][0]['metrics']['noise_floor_mmd_v'] is None
            print('ok')
            """, [path("compare.json")]), "ok\n")
        let table = try macroscale(["compare", path("lambda1"), path("lambda5")])
        XCTAssertTrue(table.contains(" 0.1235 ") && !table.contains("0.12346"), "4 significant digits in the table: \(table)")
        XCTAssertEqual(refusal(["compare", path("lambda1"), "--json", "--format", "csv"]).contains("--json prints JSON"), true)
    }

    /// mmd --json: the temporal means the per-time curves give, and the line for people in four digits.
    func testMMDJSON() throws {
        let x = (0..<(20 * 3 * 2)).map { Double($0 % 7) * 0.3 }, y = (0..<(15 * 3 * 2)).map { Double($0 % 5) * 0.4 + 0.1 }
        try NPYFile.write(try NumPyArray(x, shape: [20, 3, 2]), to: dir.file("x.npy"))
        try NPYFile.write(try NumPyArray(y, shape: [15, 3, 2]), to: dir.file("y.npy"))
        let output = try macroscale(["mmd", path("x.npy"), path("y.npy"), "--bandwidths", "1,2", "--out", path("curves"), "--json"])
        let document = try json(output)
        let v = try NPYFile.read(dir.file("curves/mmd_v.npy")).elements(as: Double.self), u = try NPYFile.read(dir.file("curves/mmd_u.npy")).elements(as: Double.self)
        XCTAssertEqual(try XCTUnwrap(document["mmdV"] as? Double), v.reduce(0, +) / 3, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(document["mmdU"] as? Double), u.reduce(0, +) / 3, accuracy: 1e-15)
        XCTAssertEqual(document["timeSteps"] as? Int, 3)
        XCTAssertEqual(document["bandwidths"] as? [Double], [1, 2])
        try output.write(to: dir.file("mmd.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try Python.run("""
            import json, sys, numpy as np
            d = json.load(open(sys.argv[1]))
            assert abs(d['mmdV'] - np.load(sys.argv[2]).mean()) < 1e-12 and d['timeSteps'] == 3, d
            print('ok')
            """, [path("mmd.json"), path("curves/mmd_v.npy")]), "ok\n")
        XCTAssertEqual(try macroscale(["mmd", path("x.npy"), path("y.npy"), "--bandwidths", "1,2"]),
                       "MMD² V-statistic (biased) \(SignificantDigits.text(v.reduce(0, +) / 3)), U-statistic (unbiased) \(SignificantDigits.text(u.reduce(0, +) / 3)), mean over 3 time steps\n")
    }
}
