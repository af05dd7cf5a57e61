import Artifacts
import Foundation
import Learning
import MacroSDE
import Random
import Stages
import TestSupport
import XCTest

/// `--epsilon`: the floor ε under the likelihood's covariance, a number or `auto`.
final class CovarianceRegularisationTests: XCTestCase {
    func testParsesNumbersAndAuto() {
        XCTAssertEqual(CovarianceRegularisation("auto"), .auto)
        XCTAssertEqual(CovarianceRegularisation("1e-4"), .value(1e-4))
        XCTAssertNil(CovarianceRegularisation("Auto"))
        XCTAssertEqual(CovarianceRegularisation.auto.description, "auto")
        var settings = SDEFitting()
        for refused in [0, -1e-4, .infinity, .nan] {
            settings.epsilon = .value(refused)
            XCTAssertThrowsError(try settings.validate(), "\(refused)")
        }
    }

    /// Ornstein–Uhlenbeck pairs dz = −θz dt + s dW, one step of δt = 1 each, with increments whose
    /// variance (s² ≈ 9·10⁻⁶) is far below the reference's fixed ε = 10⁻⁴ — as an average over
    /// replicas of a patch increment can be.
    private func writeQuietPairs(to file: URL, noise s: Double, count: Int) throws {
        let random = RandomStream(seed: 3, stage: "quiet-pairs")
        var start: [Double] = [], next: [Double] = []
        for _ in 0..<count {
            let z = 0.01 * random.gaussian()
            start.append(z)
            next.append(z - 0.5 * z + s * random.gaussian())
        }
        try NPZArchive([("start", try NumPyArray(start, shape: [count, 1])), ("next", try NumPyArray(next, shape: [count, 1])),
                        ("dt", NumPyArray([Double](repeating: 1, count: count)))]).write(to: file)
    }

    /// `auto` resolves to 10⁻² × the increments' variance (computed here independently) and is
    /// recorded in the manifest; the fitted noise is then the noise the pairs hold (their
    /// residuals about the exact drift), while a fixed ε = 10⁻⁴ leaves the noise to ε and fits
    /// almost none of it.
    func testAutoRecoversNoiseThatAFixedEpsilonSwallows() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let s = 0.003, count = 4000
        try writeQuietPairs(to: dir.file("pairs.npz"), noise: s, count: count)
        let pairs = try NPZArchive.read(dir.file("pairs.npz"))
        let start = try pairs.array("start").elements(as: Double.self), next = try pairs.array("next").elements(as: Double.self)
        func variance(_ values: [Double]) -> Double {
            let mean = values.reduce(0, +) / Double(values.count)
            return values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        }
        let incrementVariance = variance(zip(next, start).map { $0 - $1 })
        let noise = variance(zip(next, start).map { $0 - 0.5 * $1 })

        var settings = SDEFitting()
        settings.mode = .constantDiagonal
        settings.hidden = [8]
        settings.epochs = 160
        settings.batchSize = 200
        settings.learningRate = 3e-3
        var fitted: [String: Double] = [:]
        for epsilon in [CovarianceRegularisation.auto, .value(1e-4)] {
            settings.epsilon = epsilon
            let out = dir.file("fit-\(epsilon)")
            try TrainSDEStage.run(settings, inputs: .init(pairs: [dir.file("pairs.npz")]), seed: 1, directory: out)
            guard case .object(let config) = try StageManifest.read(from: out).config, case .number(let resolved) = config["epsilon"] else {
                return XCTFail("no resolved ε in the manifest")
            }
            if epsilon == .auto { XCTAssertEqual(resolved, 1e-2 * incrementVariance, accuracy: 1e-5 * incrementVariance) }
            let model = try SDECheckpoint.load(from: out.appendingPathComponent("model.safetensors")).model
            let sigma = Double(model.diffusionMatrices(Tensor(shape: [1, 1], data: [0])).data[0])
            fitted[epsilon.description] = sigma * sigma
        }
        print("fitted σ² = \(fitted) against the pairs' noise \(noise)")
        XCTAssertEqual(fitted["auto"]!, noise, accuracy: 0.1 * noise, "ε = auto fits the noise (but for the 1 % of the variance it carries)")
        XCTAssertLessThan(fitted["0.0001"]!, 0.5 * noise, "a fixed ε = 1e-4 takes the noise over")
    }

    /// A latent component that never changes gives `auto` no scale: refused by name.
    func testAutoRefusesAComponentThatNeverChanges() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let start = try NumPyArray([Double](repeating: 0.5, count: 32), shape: [32, 1])
        try NPZArchive([("start", start), ("next", start), ("dt", NumPyArray([Double](repeating: 1, count: 32)))]).write(to: dir.file("still.npz"))
        var settings = SDEFitting()
        settings.epochs = 1
        settings.hidden = [4]
        XCTAssertThrowsError(try TrainSDEStage.run(settings, inputs: .init(pairs: [dir.file("still.npz")]), seed: 1, directory: dir.file("fit"))) { error in
            XCTAssertTrue("\(error)".contains("component 0") && "\(error)".contains("--epsilon"), "\(error)")
        }
    }
}
