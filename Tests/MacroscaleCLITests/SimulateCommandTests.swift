import ArgumentParser
import Artifacts
import Execution
import Foundation
import Linalg
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import MacroscaleCLI
import Metrics
import Stages
import TestSupport
import XCTest

/// Runs `macroscale` with `arguments` in this process, quietly.
func runMacroscale(_ arguments: [String]) throws {
    var command = try Macroscale.parseAsRoot(arguments + ["--quiet"])
    try command.run()
}

/// A test case with a fresh temporary directory, restoring the process-wide settings the commands change.
class CommandTestCase: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }

    override func tearDown() {
        dir.remove()
        ThreadCount.set(0)
        Progress.quiet = false
    }

    func path(_ name: String) -> String { dir.file(name).path }

    /// The built `macroscale` executable beside the test bundle; a missing one fails the test.
    func executable() throws -> URL {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("macroscale")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw ArtifactError(binary.path, "no macroscale executable beside the tests: build it with `swift build --build-tests`")
        }
        return binary
    }

    /// The built `macroscale` executable run as a user would: its standard output (standard error
    /// is left to the test's); fails the test unless it exits with 0.
    func macroscale(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "macroscale \(arguments.joined(separator: " "))")
        return output
    }
}

final class SimulateCommandTests: CommandTestCase {
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
        // A bandwidth that is not a number is refused, not dropped (issue 14, finding 7).
        XCTAssertTrue(message(["evaluate", "--model", "m", "--test", "t", "--bandwidths", "1,x", "--out", "x"]).contains("--bandwidths must be"))
        XCTAssertTrue(message(["check-dynamics", "--model", "m", "--out", "x"]).contains("--test"))
        XCTAssertTrue(message(["simulate", "ising"]).contains("--out"))
    }
}

final class StageChainTests: CommandTestCase {
    /// simulate → upsample → evolve through the command line, each stage reading the previous one's directory.
    func testStagesChainThroughTheirDirectories() throws {
        let sim = dir.file("sim").path, up = dir.file("up").path, evolve = dir.file("evolve").path
        for arguments in [
            ["simulate", "curie-weiss", "--size", "8", "--runs", "3", "--steps", "4", "--out", sim, "--quiet"],
            ["upsample", "--input", sim, "--burn-in", "1", "--target-size", "16", "--snapshots", "10", "--window", "8", "--stride", "4", "--out", up, "--quiet"],
            ["evolve", "--input", up, "--patch-size", "8", "--out", evolve, "--quiet"],
        ] {
            try runMacroscale(arguments)
        }
        let evolved = try NPZArchive.read(dir.file("evolve/evolved.npz"))
        XCTAssertEqual(try evolved.array("patchAfter").shape, [10, 8, 8])
        let manifest = try StageManifest.read(from: dir.file("evolve"))
        guard case .object(let config) = manifest.config, case .object(let settings)? = config["evolve"] else { return XCTFail() }
        XCTAssertEqual(settings["boundary"], .string("frozen-halo"), "Curie–Weiss patches feel the global mean field by default")
        XCTAssertEqual(settings["duration"], .string("64 steps"))
        XCTAssertEqual(manifest.inputs.map(\.path), ["../up/snapshots.npz"], "relative to the evolve stage")

        // An interrupted (manifest-less) input stage is refused with a clear message.
        try FileManager.default.removeItem(at: dir.file("up/manifest.json"))
        var rerun = try Macroscale.parseAsRoot(["evolve", "--input", up, "--patch-size", "8", "--out", evolve])
        XCTAssertThrowsError(try rerun.run()) { error in
            XCTAssertTrue("\(error)".contains("not a finished stage directory"), "\(error)")
        }
    }
}

final class LearningChainTests: CommandTestCase {
    /// Curie–Weiss from small simulations to a rollout: simulate → upsample → evolve → encode →
    /// train-sde → rollout, through the command line, checking each stage's outputs.
    func testEncodeTrainAndRollOut() throws {
        for arguments in [
            ["simulate", "curie-weiss", "--size", "8", "--runs", "20", "--steps", "10", "--out", path("sim")],
            ["simulate", "curie-weiss", "--size", "16", "--runs", "4", "--steps", "5", "--pairs", "--seed", "2", "--out", path("val")],
            ["upsample", "--input", path("sim"), "--target-size", "16", "--snapshots", "300", "--window", "8", "--stride", "4", "--out", path("up")],
            ["evolve", "--input", path("up"), "--patch-size", "8", "--out", path("evolve")],
            ["encode", "--evolved", path("evolve"), "--validation", path("val"), "--out", path("encode")],
            ["train-sde", "--pairs", path("encode/partial.npz"), "--validation", path("encode/validation.npz"), "--mode", "constantDiagonal",
             "--hidden", "8", "--lambda", "4", "--epochs", "3", "--batch-size", "100", "--out", path("sde")],
        ] {
            try runMacroscale(arguments)
        }
        let partial = try NPZArchive.read(dir.file("encode/partial.npz"))
        XCTAssertEqual(try partial.array("start").shape, [300, 1])
        // The partial estimate moves z by the patch's own change: K = 4 times its share of the whole.
        let evolved = try NPZArchive.read(dir.file("evolve/evolved.npz"))
        let before = try evolved.array("patchBefore").elements(as: Int8.self), after = try evolved.array("patchAfter").elements(as: Int8.self)
        let start = try partial.array("start").elements(as: Double.self), next = try partial.array("next").elements(as: Double.self)
        let patchChange = Double((0..<64).reduce(0) { $0 + Int(after[$1]) - Int(before[$1]) }) / 64
        XCTAssertEqual(next[0] - start[0], patchChange, accuracy: 1e-12)
        XCTAssertEqual(try NPZArchive.read(dir.file("sde/history.npz")).array("trainingLoss").shape, [3])

        let initial = try NumPyArray([0.5, -0.5, 0.0], shape: [3, 1])
        try NPYFile.write(initial, to: dir.file("initial.npy"))
        var rollout = try Macroscale.parseAsRoot(["rollout", "--model", path("sde"), "--initial", path("initial.npy"),
                                                  "--steps", "7", "--dt", "2", "--out", path("rollout"), "--quiet"])
        try rollout.run()
        let rollouts = try NPZArchive.read(dir.file("rollout/rollouts.npz"))
        XCTAssertEqual(try rollouts.array("trajectories").shape, [3, 8, 1])
        XCTAssertEqual(try rollouts.array("times").elements(as: Double.self).last, 14)
        XCTAssertEqual(Array(try rollouts.array("trajectories").elements(as: Float.self)[0..<1]), [0.5])

        // Evaluate against two test conditions; NumPy recomputes the relative errors from the saved curves.
        try runMacroscale(["simulate", "curie-weiss", "--size", "16", "--runs", "6", "--steps", "5", "--m0", "0.5", "--seed", "7", "--out", path("test")])
        try runMacroscale(["simulate", "curie-weiss", "--size", "16", "--runs", "4", "--steps", "5", "--m0=-0.5", "--seed", "8", "--out", path("test2")])
        try runMacroscale(["evaluate", "--model", path("sde"), "--test", path("test"), "--test", path("test2"), "--out", path("evaluate")])
        let output = try Python.run("""
            import json, sys, os, numpy as np
            d = sys.argv[1]
            m = json.load(open(os.path.join(d, 'metrics.json')))
            mp, mt = np.load(os.path.join(d, 'mean_predicted.npy')), np.load(os.path.join(d, 'mean_true.npy'))
            v = np.load(os.path.join(d, 'mmd_v.npy'))
            assert mp.shape == (2, 6, 1) and v.shape == (2, 6), (mp.shape, v.shape)
            for c, cond in enumerate(m['conditions']):
                rel = ((mp[c] - mt[c]) ** 2).sum() / (mt[c] ** 2).sum()
                assert abs(rel - cond['relativeError']) < 1e-9 * max(1, rel), (rel, cond['relativeError'])
                assert abs(v[c].mean() - cond['temporalMMDV']) < 1e-12
            assert [c['trajectories'] for c in m['conditions']] == [6, 4]
            assert abs(m['relativeError'] - np.mean([c['relativeError'] for c in m['conditions']])) < 1e-12
            # The compared trajectories themselves: their ensemble means are the saved curves.
            s = np.load(os.path.join(d, 'samples.npz'))
            assert s['predicted'].shape == (10, 6, 1) and s['true'].shape == (10, 6, 1), s['predicted'].shape
            assert list(s['condition']) == [0] * 6 + [1] * 4
            for c in range(2):
                sel = s['condition'] == c
                assert np.allclose(s['predicted'][sel].mean(0), mp[c], rtol=1e-6, atol=1e-7)
                assert np.allclose(s['true'][sel].mean(0), mt[c], rtol=1e-12, atol=1e-12)
            print('ok')
            """, [path("evaluate")])
        XCTAssertEqual(output, "ok\n")
        XCTAssertTrue(try String(contentsOf: dir.file("evaluate/metrics.csv"), encoding: .utf8).hasPrefix("source,initial_m0,trajectories,temporal_mmd_v"))
        // The report's SVG figures are well-formed XML.
        let report = try String(contentsOf: dir.file("evaluate/report/index.html"), encoding: .utf8)
        var svgCount = 0
        var rest = report[...]
        while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            let svg = String(rest[start.lowerBound..<end.upperBound])
            let parser = XMLParser(data: Data(svg.utf8))
            XCTAssertTrue(parser.parse(), "SVG \(svgCount) is not well-formed: \(String(describing: parser.parserError))")
            svgCount += 1
            rest = rest[end.upperBound...]
        }
        XCTAssertEqual(svgCount, 2 + 2 + 2, "loss curves and MMD over time; per condition, mean ± std of m and its histograms")
    }
}

final class ClosureChainTests: CommandTestCase {
    /// Predator–prey with a learned closure: simulate → upsample → evolve → train-closure → encode.
    func testTrainClosureAndEncodeWithClosureVariables() throws {
        for arguments in [
            ["simulate", "predator-prey", "--points", "20", "--runs", "4", "--steps", "20", "--out", path("sim")],
            ["simulate", "predator-prey", "--points", "40", "--runs", "2", "--steps", "5", "--pairs", "--seed", "2", "--out", path("val")],
            ["upsample", "--input", path("sim"), "--target-size", "40", "--snapshots", "60", "--relax-steps", "0", "--out", path("up")],
            ["evolve", "--input", path("up"), "--patch-size", "10", "--out", path("evolve")],
            ["train-closure", "--input", path("up"), "--validation", path("val"), "--patch-size", "10", "--epochs", "2", "--batch-size", "20", "--out", path("closure")],
            ["encode", "--evolved", path("evolve"), "--validation", path("val"), "--closure", path("closure"), "--out", path("encode")],
        ] {
            try runMacroscale(arguments)
        }
        XCTAssertEqual(try NPZArchive.read(dir.file("closure/history.npz")).array("validationLoss").shape, [2])
        let partial = try NPZArchive.read(dir.file("encode/partial.npz"))
        XCTAssertEqual(try partial.array("start").shape, [60, 4], "(ū, v̄) and one closure variable per species")
        XCTAssertEqual(try NPZArchive.read(dir.file("encode/validation.npz")).array("next").shape, [10, 4])
        let manifest = try StageManifest.read(from: dir.file("encode"))
        XCTAssertEqual(manifest.inputs.map { ($0.path as NSString).lastPathComponent }, ["evolved.npz", "snapshots.npz", "closure.safetensors", "pairs.npz"],
                       "evolved patches, snapshots, closure model, validation pairs")

        // Any simulate stage encodes through the closure model as encode does: the validation
        // stage's records give the validation pairs' start latents.
        try runMacroscale(["encode-trajectories", "--input", path("val"), "--closure", path("closure"), "--out", path("latents")])
        XCTAssertEqual(try Python.run("""
            import numpy as np, sys
            latents = np.load(sys.argv[1])['latents']
            start = np.load(sys.argv[2])['start']
            assert latents.shape == (2, 6, 4), latents.shape
            assert np.allclose(latents[:, :-1, :].reshape(-1, 4), start, rtol=1e-5, atol=1e-5)  # float32 encoder, other batch sizes
            print('ok')
            """, [path("latents/latents.npz"), path("encode/validation.npz")]), "ok\n")

        // The model remembers the closure model its pairs went through (by digest): judging it
        // through another closure model, or through none, is refused; through its own it is not.
        try runMacroscale(["train-sde", "--pairs", path("encode/partial.npz"), "--hidden", "4", "--epochs", "1", "--out", path("sde")])
        try runMacroscale(["train-closure", "--input", path("up"), "--patch-size", "10", "--epochs", "1", "--batch-size", "20", "--seed", "9",
                           "--out", path("closure-9")])
        for (closure, given) in [(["--closure", path("closure-9")], path("closure-9")), ([], "none")] {
            XCTAssertThrowsError(try runMacroscale(["evaluate", "--model", path("sde"), "--test", path("val")] + closure + ["--out", path("judged")])) { error in
                let message = Macroscale.message(for: error)
                XCTAssertTrue(message.contains("was trained on latents encoded with the closure model") && message.contains("--closure given: \(given)"), message)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: path("judged")), "nothing written for a refused lineage")
        }
        XCTAssertNoThrow(try ModelTestInputs(model: dir.file("sde"), tests: [dir.file("val")], closure: dir.file("closure")).validate())

        // Curie–Weiss has no closure: asking for one is a clear error.
        for arguments in [
            ["simulate", "curie-weiss", "--size", "8", "--runs", "2", "--steps", "3", "--out", path("cw")],
        ] {
            try runMacroscale(arguments)
        }
        var closure = try Macroscale.parseAsRoot(["train-closure", "--input", path("cw"), "--patch-size", "4", "--out", path("cw-closure")])
        XCTAssertThrowsError(try closure.run()) { error in
            XCTAssertTrue("\(error)".contains("has no closure variables"), "\(error)")
        }
    }
}

final class MMDCommandTests: CommandTestCase {
    func testMMDCommandWritesPerTimeCurvesAndStandardises() throws {
        let x = (0..<(20 * 3 * 2)).map { Double($0 % 7) * 0.3 }, y = (0..<(15 * 3 * 2)).map { Double($0 % 5) * 0.4 + 0.1 }
        try NPYFile.write(try NumPyArray(x, shape: [20, 3, 2]), to: dir.file("x.npy"))
        try NPZArchive([("rollouts", try NumPyArray(y, shape: [15, 3, 2]))]).write(to: dir.file("y.npz"))
        try runMacroscale(["mmd", path("x.npy"), path("y.npz") + ":rollouts", "--out", path("curves")])
        let v = try NPYFile.read(dir.file("curves/mmd_v.npy")).elements(as: Double.self)
        XCTAssertEqual(v, MMD().overTime(x, y, times: 3, dimension: 2).v)
        try runMacroscale(["mmd", path("x.npy"), path("y.npz") + ":rollouts", "--standardize-by", "A", "--bandwidths", "1,2", "--out", path("standardised")])
        let u = try NPYFile.read(dir.file("standardised/mmd_u.npy")).elements(as: Double.self)
        let scale = SpreadScale(of: x, times: 3, dimension: 2)
        XCTAssertEqual(u, MMD(bandwidths: [1, 2]).overTime(scale.standardised(x), scale.standardised(y), times: 3, dimension: 2).u)
        XCTAssertThrowsError(try runMacroscale(["mmd", path("x.npy"), path("x.npy"), "--bandwidths", "0,1"]))
    }
}

final class CompareCommandTests: CommandTestCase {
    /// Writes a minimal metrics.json for one run (as evaluate wrote it before noise floors and transient errors, unless `transient` is given).
    func writeMetrics(_ name: String, mmdV: Double, mmdU: Double, relative: [Double], transient: Double? = nil) throws {
        let conditions = relative.map { error in
            EvaluateStage.ConditionMetrics(source: "test", initial: [0.5], trajectories: 20, temporalMMDV: mmdV, temporalMMDU: mmdU,
                                           relativeError: error, relativeErrorPerComponent: [error, 2 * error], nonFiniteRollouts: 0)
        }
        var summary = EvaluateStage.Summary(latent: ["m", "rho"], bandwidths: [1], conditions: conditions, averageMMDV: mmdV,
                                            averageMMDU: mmdU, relativeError: relative.reduce(0, +) / Double(relative.count))
        if let transient {
            summary.transientError = transient
            (summary.averageNoiseFloorMMDV, summary.averageNoiseFloorMMDU, summary.noiseFloorRelativeError, summary.noiseFloorTransientError) = (0.01, 0, 0.001, 0.02)
        }
        try FileManager.default.createDirectory(at: dir.file(name), withIntermediateDirectories: true)
        try JSONEncoder().encode(summary).write(to: dir.file("\(name)/metrics.json"))
    }

    /// The executable runs on the best OpenBLAS kernels the CPU allows, also where OpenBLAS falls
    /// back to generic ones (it restarts itself with OPENBLAS_CORETYPE).
    func testTheExecutableRunsOnTheBestKernelsTheCPUAllows() throws {
        let version = try macroscale(["version"])
        guard let range = version.range(of: "(kernels: ") else { return XCTFail("no kernels in \(version)") }
        let core = String(version[range.upperBound...].prefix { $0 != ")" })
        XCTAssertNil(BLASKernelChoice.betterCore(detected: core, cpuFlags: BLASKernelChoice.cpuFlags), "kernels \(core)")
    }

    func testCompareMarksTheBestRunInEveryFormat() throws {
        try writeMetrics("lambda1", mmdV: 0.12, mmdU: 0.08, relative: [0.01, 0.03])
        try writeMetrics("lambda5", mmdV: 0.05, mmdU: 0.02, relative: [0.004, 0.006])
        try writeMetrics("naive", mmdV: 0.3, mmdU: 0.25, relative: [0.1, 0.2])
        let runs = ["naive", "lambda1", "lambda5"].map(path)
        XCTAssertEqual(try macroscale(["compare"] + runs), """
            run       MMD² V  floor V  MMD² U  floor U  rel. error  floor rel.  transient  floor trans.  rel. error m  rel. error rho
            *lambda5    0.05        –    0.02        –       0.005           –          –             –         0.005            0.01
            lambda1     0.12        –    0.08        –        0.02           –          –             –          0.02            0.04
            naive        0.3        –    0.25        –        0.15           –          –             –          0.15             0.3
            * best by mmd-v

            """)
        XCTAssertEqual(try macroscale(["compare"] + runs + ["--format", "csv", "--sort", "relative-error", "--labels", "N,L1,L5"]), """
            run,best,average_mmd_v,noise_floor_mmd_v,average_mmd_u,noise_floor_mmd_u,relative_error,noise_floor_relative_error,\
            transient_error,noise_floor_transient_error,relative_error_m,relative_error_rho
            L5,true,0.05,,0.02,,0.005,,,,0.005,0.01
            L1,false,0.12,,0.08,,0.02,,,,0.02,0.04
            N,false,0.3,,0.25,,0.15000000000000002,,,,0.15000000000000002,0.30000000000000004

            """)
        // Names sort with numbers by value: 5 before 10.
        XCTAssertEqual(try macroscale(["compare"] + runs + ["--format", "markdown", "--sort", "name", "--labels", "naive,lambda10,lambda5"]), """
            | run | MMD² V | floor V | MMD² U | floor U | rel. error | floor rel. | transient | floor trans. | rel. error m | rel. error rho |
            |---|---|---|---|---|---|---|---|---|---|---|
            | lambda5 | 0.05 | – | 0.02 | – | 0.005 | – | – | – | 0.005 | 0.01 |
            | lambda10 | 0.12 | – | 0.08 | – | 0.02 | – | – | – | 0.02 | 0.04 |
            | naive | 0.3 | – | 0.25 | – | 0.15 | – | – | – | 0.15 | 0.3 |

            """)
    }

    /// Seeds of one setting (`evaluate-16-<seed>`) form one row: mean ± sample std and the count.
    func testCompareGroupsRunsThatDifferOnlyInTheirLastNumber() throws {
        try writeMetrics("evaluate-16-10", mmdV: 0.1, mmdU: 0.02, relative: [0.01], transient: 0.2)
        try writeMetrics("evaluate-16-11", mmdV: 0.2, mmdU: 0.04, relative: [0.02], transient: 0.4)
        try writeMetrics("evaluate-16-12", mmdV: 0.3, mmdU: 0.06, relative: [0.06], transient: 0.9)
        try writeMetrics("evaluate-8-10", mmdV: 0.5, mmdU: 0.1, relative: [0.1], transient: 1)
        let runs = ["evaluate-8-10", "evaluate-16-10", "evaluate-16-11", "evaluate-16-12"].map(path)
        // Means 0.2, 0.04, 0.03, 0.5; sample stds 0.1, 0.02, √(0.0014/2) = 0.02646, √(0.26/2) = 0.3606; floors equal, std 0.
        let csv = try macroscale(["compare"] + runs + ["--group-suffix", "--format", "csv", "--sort", "transient-error"])
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(csv.first, ["run", "best", "runs", "average_mmd_v", "average_mmd_v_std", "noise_floor_mmd_v", "noise_floor_mmd_v_std",
                                   "average_mmd_u", "average_mmd_u_std", "noise_floor_mmd_u", "noise_floor_mmd_u_std", "relative_error", "relative_error_std",
                                   "noise_floor_relative_error", "noise_floor_relative_error_std", "transient_error", "transient_error_std",
                                   "noise_floor_transient_error", "noise_floor_transient_error_std", "relative_error_m", "relative_error_m_std",
                                   "relative_error_rho", "relative_error_rho_std"])
        XCTAssertEqual(csv.dropFirst().map { Array($0.prefix(3)) }, [["evaluate-16", "true", "3"], ["evaluate-8", "false", "1"]])
        let expected: [[Double?]] = [[0.2, 0.1, 0.01, 0, 0.04, 0.02, 0, 0, 0.03, 0.02646, 0.001, 0, 0.5, 0.3606, 0.02, 0, 0.03, 0.02646, 0.06, 0.05292],
                                     [0.5, nil, 0.01, nil, 0.1, nil, 0, nil, 0.1, nil, 0.001, nil, 1, nil, 0.02, nil, 0.1, nil, 0.2, nil]]
        for (row, values) in zip(csv.dropFirst(), expected) {
            for (field, value) in zip(row.dropFirst(3), values) {
                if let value { XCTAssertEqual(try XCTUnwrap(Double(field)), value, accuracy: 5e-5, "\(row)") } else { XCTAssertEqual(field, "", "\(row)") }
            }
        }
        XCTAssertTrue(try macroscale(["compare"] + runs + ["--group-suffix"]).contains("*evaluate-16     3  0.2 ± 0.1"))
        XCTAssertEqual(try macroscale(["compare"] + runs).split(separator: "\n").count, 6, "without the flag, one row per run")
        XCTAssertEqual(Comparison.seedless("evaluate-16-10"), "evaluate-16")
        XCTAssertEqual(Comparison.seedless("lambda0.5"), "lambda0.5")
        XCTAssertEqual(Comparison.seedless("naive"), "naive")
    }
}
