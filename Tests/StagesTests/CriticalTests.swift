import Artifacts
import Foundation
import Random
import Stages
import Systems
import TestSupport
import XCTest

/// The finite-size-scaling analysis (`critical`) and its ground truth (Wolff sampling): the
/// observables against NumPy, the blocking error against an exact value, the exponent fits on
/// known power laws, the Wolff sampler against exact enumeration, and the stages end to end.
final class CriticalTests: XCTestCase {
    /// ⟨|M|⟩, χ, U and their blocked jackknife errors against an independent NumPy computation,
    /// with three runs cut into four blocks each.
    func testObservablesAndErrorsMatchNumPy() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let random = RandomStream(seed: 3, stage: "critical-test")
        let runs = (0..<3).map { _ in (0..<1000).map { _ in max(-1, min(1, 0.6 + random.gaussian(sigma: 0.3))) } }
        try NPYFile.write(try NumPyArray(runs.flatMap { $0 }, shape: [3, 1000]), to: dir.file("m.npy"))
        let point = FiniteSizeScaling.point(size: 8, temperature: 2.3, runs: runs, blocks: 12)
        XCTAssertEqual(point.blocks, 12)
        XCTAssertEqual(point.samples, 3000)
        let output = try Python.run("""
            import sys, numpy as np
            m = np.load(sys.argv[1]); L, T = 8, 2.3
            def observables(s):
                a, m2, m4 = np.abs(s).mean(), (s**2).mean(), (s**4).mean()
                return np.array([a, L * L / T * (m2 - a * a), 1 - m4 / (3 * m2 * m2)])
            full = observables(m.ravel())
            blocks = [piece for run in m for piece in np.split(run, 4)]
            left_out = np.array([observables(np.concatenate(blocks[:b] + blocks[b + 1:])) for b in range(len(blocks))])
            errors = np.sqrt((len(blocks) - 1) / len(blocks) * ((left_out - left_out.mean(0))**2).sum(0))
            print(' '.join(repr(float(v)) for v in np.concatenate([full, errors])))
            """, [dir.file("m.npy").path])
        let expected = output.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        XCTAssertEqual(expected.count, 6)
        let ours = [point.absMagnetization.value, point.susceptibility.value, point.binder.value,
                    point.absMagnetization.error, point.susceptibility.error, point.binder.error]
        for (a, b) in zip(ours, expected) { XCTAssertEqual(a, b, accuracy: 1e-10 * max(1, abs(b))) }
    }

    /// The blocked standard error of the mean of AR(1) series x_t = φx_{t−1} + ε_t against its exact
    /// value, σ_x²/n · [(1 + φ)/(1 − φ) − 2φ(1 − φⁿ)/(n(1 − φ)²)], averaged over 32 series.
    func testBlockingErrorOfAnAutoregressiveSeriesMatchesItsExactValue() {
        let (phi, n, series) = (0.8, 1 << 15, 32)
        let stationary = 1 / (1 - phi * phi)
        let exact = stationary / Double(n) * ((1 + phi) / (1 - phi) - 2 * phi * (1 - pow(phi, Double(n))) / (Double(n) * (1 - phi) * (1 - phi)))
        let meanVariance = (0..<series).map { index -> Double in
            let random = RandomStream(seed: 5, stage: "ar1", index: UInt64(index))
            var x = random.gaussian(sigma: stationary.squareRoot())
            let values = (0..<n).map { _ in
                defer { x = phi * x + random.gaussian() }
                return x
            }
            let error = BlockJackknife(runs: [values], blocks: 32, features: [{ $0 }]).estimate { $0[0] }.error
            return error * error
        }.reduce(0, +) / Double(series)
        // 32 blocks give each variance estimate a relative spread of √(2/31) ≈ 25 %; over 32 series, 4.5 %.
        XCTAssertEqual(meanVariance / exact, 1, accuracy: 0.15)
        // The same samples without blocking (one sample per block) understate it by the factor (1 + φ)/(1 − φ) = 9.
        let random = RandomStream(seed: 5, stage: "ar1", index: 0)
        var x = random.gaussian(sigma: stationary.squareRoot())
        let values = (0..<n).map { _ in
            defer { x = phi * x + random.gaussian() }
            return x
        }
        let naive = BlockJackknife(runs: [values], blocks: n, features: [{ $0 }]).estimate { $0[0] }.error
        XCTAssertEqual(naive * naive / exact, 1 / 9, accuracy: 0.02)
    }

    /// Known power laws with 1 % multiplicative noise of known size: the fitted exponents lie within
    /// three of their errors of the truth, the errors are the least-squares ones, and without noise
    /// the fits are exact — also 1/ν from the slopes of U linear in (T − T*)L.
    func testExponentFitsRecoverKnownPowerLaws() throws {
        let sizes = [8, 12, 16, 24, 32, 48, 64, 96, 128]
        let tStar = FiniteSizeScaling.Exact.criticalTemperature
        let random = RandomStream(seed: 9, stage: "power-law")
        let offsets: [Double] = [-0.01, 0, 0.01]
        func points(noise: Double) -> [FiniteSizeScaling.Point] {
            sizes.flatMap { size in
                offsets.map { dt -> FiniteSizeScaling.Point in
                    let l = Double(size)
                    func value(_ exact: Double) -> FiniteSizeScaling.Estimate {
                        let error: Double = noise > 0 ? noise * exact : 1e-3 * exact
                        return .init(exact * exp(noise * random.gaussian()), error)
                    }
                    let magnetization: Double = 1.1 * pow(l, -0.125) * (1 - 3 * dt)
                    let susceptibility: Double = 0.9 * pow(l, 1.75) * (1 + 5 * dt)
                    let binder: Double = 0.61 - 0.5 * dt * l
                    return FiniteSizeScaling.Point(size: size, temperature: tStar + dt, samples: 1, blocks: 1,
                                                   absMagnetization: value(magnetization), susceptibility: value(susceptibility),
                                                   binder: .init(binder, 1e-3))
                }
            }
        }
        let exact = try FiniteSizeScaling.analyse(points(noise: 0), scalingTemperature: tStar, degree: 1, source: "exact")
        XCTAssertEqual(exact.betaOverNu.value, 0.125, accuracy: 1e-9)
        XCTAssertEqual(exact.gammaOverNu.value, 1.75, accuracy: 1e-9)
        XCTAssertEqual(exact.inverseNu?.value ?? 0, 1, accuracy: 1e-9)
        XCTAssertEqual(exact.betaOverNu.rSquared, 1, accuracy: 1e-12)

        // With noise σ on ln y, the slope's error is σ/√Σ(ln L − mean)² at every point's T*-fit, there
        // from three temperatures through a straight line: σ/√3.
        let noisy = try FiniteSizeScaling.analyse(points(noise: 0.01), scalingTemperature: tStar, degree: 1, source: "noisy")
        let logs = sizes.map { log(Double($0)) }
        let spread = logs.reduce(0) { $0 + pow($1 - logs.reduce(0, +) / Double(logs.count), 2) }
        let expectedError = 0.01 / 3.0.squareRoot() / spread.squareRoot()
        for exponent in [noisy.betaOverNu, noisy.gammaOverNu] {
            XCTAssertEqual(exponent.error, expectedError, accuracy: 0.05 * expectedError)
            XCTAssertLessThan(abs(exponent.value - exponent.exact), 3 * exponent.error, "\(exponent)")
            XCTAssertGreaterThan(exponent.rSquared, 0.99)
        }
    }

    /// Wolff updates sample the Boltzmann distribution: ⟨|M|⟩ and ⟨E⟩ per spin of a 4 × 4 lattice
    /// at T = 2 and T = 3 within four blocked standard errors of exact enumeration of its 2¹⁶ states.
    func testWolffSamplingMatchesExactEnumerationOfAFourByFourLattice() throws {
        for temperature in [2.0, 3.0] {
            let model = IsingModel(size: 4, temperature: temperature, field: 0)
            var (weightSum, magnetizationSum, energySum) = (0.0, 0.0, 0.0)
            for state in 0..<(1 << 16) {
                let spins = Grid(spatialShape: [4, 4], values: (0..<16).map { Int8(state >> $0 & 1 == 1 ? 1 : -1) })
                let observables = model.observables(of: spins)
                let weight = exp(-16 * observables[2] / temperature)
                weightSum += weight
                magnetizationSum += weight * abs(observables[0])
                energySum += weight * observables[2]
            }
            let sampler = try WolffCluster(model: model)
            let random = RandomStream(seed: 11, stage: "wolff-test", index: UInt64(temperature))
            var spins = [Int8](repeating: 1, count: 16)
            let samples = (0..<100_000).map { _ -> (Double, Double) in
                sampler.sweep(&spins, clusters: 1, random: random)
                let observables = model.observables(of: Grid(spatialShape: [4, 4], values: spins))
                return (observables[0], observables[2])
            }
            let moments = BlockJackknife(runs: [samples], blocks: 50, features: [{ abs($0.0) }, { $0.1 }])
            let magnetization = moments.estimate { $0[0] }, energy = moments.estimate { $0[1] }
            XCTAssertEqual(magnetization.value, magnetizationSum / weightSum, accuracy: 4 * magnetization.error, "T = \(temperature)")
            XCTAssertEqual(energy.value, energySum / weightSum, accuracy: 4 * energy.error, "T = \(temperature)")
            XCTAssertLessThan(magnetization.error, 0.005)
        }
    }

    /// Why a recorded sweep is a fixed number of clusters: states sampled where the clusters first
    /// add up to L² spins are biased towards order (4 × 4 at T = 2.5: ⟨|M|⟩ ≈ 0.85 against the exact 0.765).
    func testStoppingAfterLSquaredFlippedSpinsBiasesTheSamples() throws {
        let model = IsingModel(size: 4, temperature: 2.5, field: 0)
        let sampler = try WolffCluster(model: model)
        let random = RandomStream(seed: 12, stage: "wolff-stopping")
        var spins = [Int8](repeating: 1, count: 16)
        let magnetization = (0..<20_000).map { _ -> Double in
            sampler.burnInSweep(&spins, random: random)
            return abs(Double(spins.reduce(0) { $0 + Int($1) })) / 16
        }.reduce(0, +) / 20_000
        XCTAssertGreaterThan(magnetization, 0.8, "exact ⟨|M|⟩ = 0.7647")
    }

    /// The Wolff sampler refuses a field, the stage a burn-in too short to count clusters.
    func testWolffRefusesAFieldAndTheStageAMissingBurnIn() {
        XCTAssertThrowsError(try WolffCluster(model: IsingModel(size: 8, temperature: 2.3, field: 0.1)))
        let settings = EquilibriumStage.Settings(model: IsingModel(size: 8, temperature: 2.3, field: 0), sweeps: 10, burnIn: 0, recordEvery: 1, runs: 1)
        XCTAssertThrowsError(try settings.validate()) { XCTAssertTrue($0 is SettingsError) }
    }

    /// Equilibrium stages at two sizes and two temperatures, read back and analysed by the critical
    /// stage; a rollout stage's non-finite trajectories are left out, its m read from latent 0.
    func testEquilibriumStagesThroughTheCriticalStage() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var samples: [MagnetizationSamples] = []
        for size in [4, 6] {
            for temperature in [2.2, 2.4] {
                let out = dir.file("eq-\(size)-\(temperature)")
                let settings = EquilibriumStage.Settings(model: IsingModel(size: size, temperature: temperature, field: 0),
                                                         sweeps: 400, burnIn: 10, recordEvery: 2, runs: 2)
                try EquilibriumStage.run(settings, inputs: (), seed: 4, directory: out)
                let read = try MagnetizationSamples(stage: out)
                XCTAssertEqual(read.size, size)
                XCTAssertEqual(read.temperature, temperature)
                XCTAssertEqual(read.runs.map(\.count), [200, 200])
                XCTAssertEqual(read.energies?.map(\.count), [200, 200])
                samples.append(read)
            }
        }
        var settings = CriticalStage.Settings()
        settings.degree = 1
        settings.blocks = 10
        let result = try CriticalStage.run(settings, inputs: samples, seed: 0, directory: dir.file("critical"))
        XCTAssertEqual(result.atScalingTemperature.map(\.size), [4, 6])
        XCTAssertNotNil(result.inverseNu)
        XCTAssertNotNil(result.inverseNuReweighted)
        for name in ["critical.json", "critical.csv", "report/index.html", "manifest.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("critical/\(name)").path), name)
        }
        XCTAssertThrowsError(try CriticalStage.run(settings, inputs: samples + [samples[0]], seed: 0, directory: dir.file("twice"))) {
            XCTAssertTrue($0 is SettingsError)
        }
        // A second stage at (4, 2.2) is pooled with the first: the point is that of all four runs,
        // the other points unchanged.
        let extra = dir.file("eq-4-2.2-again")
        try EquilibriumStage.run(EquilibriumStage.Settings(model: IsingModel(size: 4, temperature: 2.2, field: 0), sweeps: 400, burnIn: 10,
                                                           recordEvery: 2, runs: 2), inputs: (), seed: 5, directory: extra)
        let again = try MagnetizationSamples(stage: extra)
        let pooled = try CriticalStage.run(settings, inputs: samples + [again], seed: 0, directory: dir.file("pooled"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func json(_ point: FiniteSizeScaling.Point) throws -> String { String(decoding: try encoder.encode(point), as: UTF8.self) }
        XCTAssertEqual(try pooled.points.map(json), try ([FiniteSizeScaling.point(size: 4, temperature: 2.2, runs: samples[0].runs + again.runs, blocks: 10)]
                                                         + result.points.dropFirst()).map(json))
        XCTAssertEqual(pooled.points[0].samples, 800)

        let rollout = dir.file("rollout")
        let stage = try StageRun(stage: RolloutStage.name, directory: rollout, config: [:], seed: 1, inputs: [], threads: 1)
        // Three runs: healthy (m ≤ 1 but for a small overshoot), non-finite, and finite but run away.
        let trajectories: [Float] = [0.5, 0.1, 1.2, 0.2, 0.55, 0.3, 0.1, 0.4, .nan, 0.2, 0.3, 0.1, 0.2, 0.1, -3.5, 0.1, -4e4, 0.2]
        try stage.write(NPZArchive([("trajectories", try NumPyArray(trajectories, shape: [3, 3, 2]))]), as: "rollouts.npz")
        try stage.finish()
        let read = try MagnetizationSamples(rollout: rollout, size: 32, temperature: 2.27)
        XCTAssertEqual(read.runs, [[0.5, 1.2, 0.55].map { Double(Float($0)) }])
        XCTAssertEqual(read.runawayRuns, 2)
        XCTAssertNil(read.energies)
        XCTAssertThrowsError(try MagnetizationSamples(stage: rollout)) { XCTAssertTrue($0 is ArtifactError) }
        // A rollout is not pooled with direct samples at its (L, T).
        let learned = try MagnetizationSamples(rollout: rollout, size: 4, temperature: 2.2)
        var pooling = settings
        pooling.discard = 1
        XCTAssertThrowsError(try CriticalStage.run(pooling, inputs: samples + [learned], seed: 0, directory: dir.file("mixed"))) {
            XCTAssertTrue("\($0)".contains("only samples of one kind are pooled"), "\($0)")
        }
    }
}
