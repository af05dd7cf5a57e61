import Artifacts
import Execution
import Foundation
import Stages
import Systems
import TestSupport
import XCTest

final class SimulationStageTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() {
        dir.remove()
        ThreadCount.set(0)
    }

    func testTrajectoriesAreIdenticalWithOneAndTwoThreads() throws {
        let model = IsingModel(size: 8, temperature: 2.5, field: 0.1)
        ThreadCount.set(1)
        try SimulationStage.run(model, runs: 5, steps: 4, seed: 3, pairs: true, config: nil, directory: dir.file("one"))
        ThreadCount.set(2)
        try SimulationStage.run(model, runs: 5, steps: 4, seed: 3, pairs: true, config: nil, directory: dir.file("two"))
        for file in ["trajectories.npz", "pairs.npz"] {
            XCTAssertEqual(try Data(contentsOf: dir.file("one/\(file)")), try Data(contentsOf: dir.file("two/\(file)")), file)
        }
        try SimulationStage.run(model, runs: 5, steps: 4, seed: 4, pairs: false, config: nil, directory: dir.file("other"))
        XCTAssertNotEqual(try Data(contentsOf: dir.file("one/trajectories.npz")), try Data(contentsOf: dir.file("other/trajectories.npz")))
    }

    /// NumPy recomputes m and ρ from the stored spins and checks shapes, times and pairs.
    func testIsingArtifactsAgreeWithAnIndependentNumPyComputation() throws {
        let model = IsingModel(size: 12, temperature: 2.5, field: 0.1)
        try SimulationStage.run(model, runs: 3, steps: 6, seed: 8, pairs: true, config: ["system": "ising"], directory: dir.url)
        let output = try Python.run("""
            import numpy as np, sys, os
            z = np.load(os.path.join(sys.argv[1], 'trajectories.npz'))
            s, t, o = z['states'], z['times'], z['observables']
            assert s.shape == (3, 7, 12, 12) and s.dtype == np.int8
            assert t.shape == (3, 7) and o.shape == (3, 7, 3) and z['initial'].shape == (3, 1)
            assert set(np.unique(s)) <= {-1, 1}
            x = s.astype(float)
            m = x.mean(axis=(2, 3))
            bonds = x * np.roll(x, -1, axis=3) + x * np.roll(x, -1, axis=2)
            rho = (0.5 * (1 - x * np.roll(x, -1, axis=3)) + 0.5 * (1 - x * np.roll(x, -1, axis=2))).mean(axis=(2, 3)) / 2
            energy = -bonds.mean(axis=(2, 3)) - 0.1 * m
            assert np.allclose(o[..., 0], m, atol=1e-12) and np.allclose(o[..., 1], rho, atol=1e-12)
            assert np.allclose(o[..., 2], energy, atol=1e-12)
            assert np.all(t[:, 0] == 0) and np.all(np.diff(t, axis=1) > 0)
            assert np.allclose(o[:, 0, 0], z['initial'][:, 0], atol=1 / 144)
            p = np.load(os.path.join(sys.argv[1], 'pairs.npz'))
            assert np.array_equal(p['before'], s[:, :-1].reshape(-1, 12, 12))
            assert np.array_equal(p['after'], s[:, 1:].reshape(-1, 12, 12))
            assert np.allclose(p['dt'], np.diff(t, axis=1).ravel())
            print('ok')
            """, [dir.url.path])
        XCTAssertEqual(output, "ok\n")
        let manifest = try StageManifest.read(from: dir.url)
        XCTAssertEqual(manifest.stage, "simulate")
        XCTAssertEqual(manifest.outputs.map(\.path), ["trajectories.npz", "pairs.npz"])
    }

    func testPredatorPreyStatesAreFloatFieldsWithASpeciesAxis() throws {
        var model = PredatorPreyModel(points: 20)
        model.initialCondition = .testGrid
        try SimulationStage.run(model, runs: 9, steps: 3, seed: 1, pairs: false, config: nil, directory: dir.url)
        let archive = try NPZArchive.read(dir.file("trajectories.npz"))
        let states = try archive.array("states")
        XCTAssertEqual(states.dtype, .float32)
        XCTAssertEqual(states.shape, [9, 4, 2, 20])
        let times = try archive.array("times").elements(as: Double.self)
        XCTAssertEqual(Array(times[0..<4]), [0, 0.01, 0.02, 0.03].map { $0 }, accuracy: 1e-12)
        // Observables are the spatial means of the stored fields (up to Float rounding).
        let values = try states.elements(as: Float.self)
        let observables = try archive.array("observables").elements(as: Double.self)
        let meanU = values[0..<20].reduce(0.0) { $0 + Double($1) } / 20
        XCTAssertEqual(observables[0], meanU, accuracy: 1e-6)
        XCTAssertEqual(try archive.array("initial").elements(as: Double.self)[10...11].map { $0 }, [0.1, 0.55])
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
