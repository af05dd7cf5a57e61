import Foundation
import Learning
@testable import MacroSDE
import Random
import TestSupport
import XCTest

final class ControlNormalisationTests: XCTestCase {
    /// Mean and standard deviation per control over the pairs; a control with one value throughout gets scale 1.
    func testNormalisationIsTheMeanAndSpreadWithUnitScaleForAConstantControl() {
        let controls = ControlParameters(names: ["temperature", "field"], fittedTo: [1000, 0.1, 1200, 0.1, 1400, 0.1, 1600, 0.1])
        XCTAssertEqual(controls.mean[0], 1300, accuracy: 1e-9)
        XCTAssertEqual(controls.scale[0], (50_000.0).squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(controls.mean[1], 0.1, accuracy: 1e-15)
        XCTAssertEqual(controls.scale[1], 1, "no spread: scale 1")
        let normalised = controls.normalised([1300, 0.1, 1600, 0.1])
        XCTAssertEqual(normalised.shape, [2, 2])
        XCTAssertEqual(normalised.data[0], 0)
        XCTAssertEqual(Double(normalised.data[2]), 300 / (50_000.0).squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(normalised.data[3], 0)
    }
}

final class ConditionedGradientTests: XCTestCase {
    /// Finite differences of the batch loss of a model conditioned on two controls with respect to
    /// every parameter — the networks reading [z, e(ĉ)] and the embedding, whose gradient sums what
    /// the drift and the diffusion networks send back — in all four diffusion modes.
    func testConditionedLossGradientsForAllDiffusionModes() throws {
        let random = RandomStream(seed: 11, stage: "conditioned-gradient")
        let n = 2, pairs = 6
        func tensor(_ scale: Double) -> Tensor {
            Tensor(shape: [pairs, n], data: (0..<(pairs * n)).map { _ in Float(random.gaussian(sigma: scale)) })
        }
        let values = (0..<pairs).flatMap { _ in [random.uniform(900, 1500), random.uniform(-0.2, 0.2)] }
        let controls = ControlParameters(names: ["temperature", "field"], fittedTo: values)
        let batch = PairBatch(start: tensor(1), next: tensor(1), dt: (0..<pairs).map { _ in random.uniform(0.05, 0.2) },
                              varianceFactor: [1, 5, 1, 2, 1, 5], controls: values)
        for mode in DiffusionMode.allCases {
            let model = SDEModel(dimension: n, controls: controls, mode: mode, hidden: [8, 8], random: random)
            if mode == .constant {
                model.diffusionConstant!.value = Tensor(shape: [n, n], data: (0..<(n * n)).map { _ in Float(random.gaussian(sigma: 0.7)) })
            }
            try assertLikelihoodGradients(model, batch, GaussianLikelihood(lambda: 3, epsilon: 0.5), label: "\(mode)")
            let embedding = try XCTUnwrap(model.embedding).network.parameters
            XCTAssertTrue(embedding.allSatisfy { p in model.parameters.contains { $0 === p } }, "the embedding is trained")
            XCTAssertTrue(embedding.contains { $0.gradient.data.contains { $0 != 0 } }, "\(mode): the embedding receives a gradient")
        }
    }

    /// The embedding's own backward: L = Σ r ⊙ [z, e(ĉ)] for fixed r; ∂L/∂W and ∂L/∂b of the embedding
    /// from the e-columns of two gradients (as drift and diffusion send them) against finite differences.
    func testEmbeddingBackwardSumsTheGradientsOfBothNetworks() {
        let random = RandomStream(seed: 12, stage: "embedding-gradient")
        let controls = ControlParameters(names: ["temperature"], mean: [1200], scale: [200])
        let embedding = ControlEmbedding(controls, random: random)
        let n = 3, batch = 4, width = n + ControlEmbedding.width
        let z = Tensor(shape: [batch, n], data: (0..<(batch * n)).map { _ in Float(random.gaussian()) })
        let values = (0..<batch).map { _ in random.uniform(900, 1500) }
        let weights = (0..<2).map { _ in (0..<(batch * width)).map { _ in Float(random.gaussian()) } }
        func loss() -> Double {
            let joined = embedding.conditioned(z, on: values)
            return weights.reduce(0.0) { total, r in total + zip(joined.data, r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
        }
        for parameter in embedding.network.parameters { parameter.zeroGradient() }
        _ = embedding.conditioned(z, on: values)
        embedding.backward(weights.map { Tensor(shape: [batch, width], data: $0) })
        for parameter in embedding.network.parameters {
            for k in 0..<parameter.value.count {
                let original = parameter.value.data[k], h: Float = 1e-2
                parameter.value.data[k] = original + h
                let up = loss()
                parameter.value.data[k] = original - h
                let down = loss()
                parameter.value.data[k] = original
                let numeric = (up - down) / Double(2 * h)
                XCTAssertEqual(Double(parameter.gradient.data[k]), numeric, accuracy: 0.01 * abs(numeric) + 2e-3, "\(parameter.name)[\(k)]")
            }
        }
    }
}

final class ConditionedCheckpointTests: XCTestCase {
    /// Names, normalisation and embedding weights survive a save and load; the loaded model computes the same drift.
    func testControlsRoundTripThroughTheCheckpoint() throws {
        let controls = ControlParameters(names: ["temperature"], mean: [1250], scale: [204.1])
        let model = SDEModel(dimension: 2, controls: controls, mode: .diagonal, hidden: [4], random: RandomStream(seed: 3, stage: "m"))
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try SDECheckpoint(model: model, hidden: [4], lambda: 1, epsilon: 1e-4, timeScale: 1).save(to: dir.file("model.safetensors"))
        let loaded = try SDECheckpoint.load(from: dir.file("model.safetensors")).model
        XCTAssertEqual(loaded.controls, controls)
        let z = Tensor(shape: [2, 2], data: [0.1, -0.3, 0.5, 0.2])
        XCTAssertEqual(loaded.driftValues(z, controls: [1100, 1400]), model.driftValues(z, controls: [1100, 1400]))
        XCTAssertEqual(loaded.diffusionMatrices(z, controls: [1100, 1400]), model.diffusionMatrices(z, controls: [1100, 1400]))
        XCTAssertNotEqual(loaded.driftValues(z, controls: [1100, 1100]), loaded.driftValues(z, controls: [1400, 1400]), "the drift depends on c")
    }
}

final class ConditionedOrnsteinUhlenbeckTests: XCTestCase {
    /// dz = −θ(c) z dt + s dW with θ(c) = c, exact transition pairs at c = 1, 2 and 3 (δt = 0.1,
    /// s = 0.5, 8000 pairs each). One conditioned model learns all three; the slope of its drift in z
    /// is the Euler secant (e^{−θδt} − 1)/δt, hence θ = −ln(1 + slope·δt)/δt. At the trained controls θ
    /// is recovered within 0.15 (the data's own least-squares θ scatter by ≈ 0.02–0.05; a model
    /// blind to c would be off by 1 at c = 1 and 3); at the untrained c = 2.5 it lies strictly between
    /// the learned θ(2) and θ(3). (Seen: θ = 0.91, 2.05, 3.03 and 2.81 at c = 2.5 — a tanh embedding
    /// interpolates smoothly, not linearly.)
    func testConditionedModelRecoversTheControlDependentRelaxationRate() throws {
        let dt = 0.1, s = 0.5, perControl = 8000, trained = [1.0, 2.0, 3.0]
        let random = RandomStream(seed: 21, stage: "conditioned-ou")
        var start: [Float] = [], next: [Float] = [], controls: [Double] = []
        for c in trained {
            let theta = c, decay = exp(-theta * dt), spread = s * ((1 - exp(-2 * theta * dt)) / (2 * theta)).squareRoot()
            for _ in 0..<perControl {
                let z = random.gaussian(sigma: 0.8)
                start.append(Float(z))
                next.append(Float(z * decay + spread * random.gaussian()))
                controls.append(c)
            }
        }
        let count = trained.count * perControl
        let pairs = PairSet(start: Tensor(shape: [count, 1], data: start), next: Tensor(shape: [count, 1], data: next),
                            dt: [Double](repeating: dt, count: count), controls: controls)
        let model = SDEModel(dimension: 1, controls: ControlParameters(names: ["c"], fittedTo: controls), mode: .constantDiagonal,
                             hidden: [32, 32], random: RandomStream(seed: 22, stage: "model"))
        var training = SDETraining()
        training.epochs = 60
        training.batchSize = 1000
        training.learningRate = 1e-2
        training.likelihood = GaussianLikelihood(lambda: 1, epsilon: 1e-6)
        training.averagedEpochs = 5
        try training.train(model, on: pairs)

        /// θ from the least-squares slope of the learned drift over z ∈ [−1, 1] at control c.
        func learnedTheta(_ c: Double) -> Double {
            let grid = (0...20).map { -1 + 0.1 * Double($0) }
            let drift = model.driftValues(Tensor(shape: [grid.count, 1], data: grid.map(Float.init)),
                                          controls: [Double](repeating: c, count: grid.count))
            let slope = zip(grid, drift.data).reduce(0.0) { $0 + $1.0 * Double($1.1) } / grid.reduce(0.0) { $0 + $1 * $1 }
            return -log(1 + slope * dt) / dt
        }
        let recovered = trained.map(learnedTheta)
        let middle = learnedTheta(2.5)
        print("conditioned OU: θ at c = 1, 2, 3:", recovered, "; at the untrained c = 2.5:", middle)
        for (c, theta) in zip(trained, recovered) { XCTAssertEqual(theta, c, accuracy: 0.15, "θ at the trained c = \(c)") }
        XCTAssertGreaterThan(middle, recovered[1], "θ at the untrained c = 2.5 between θ(2) and θ(3)")
        XCTAssertLessThan(middle, recovered[2], "θ at the untrained c = 2.5 between θ(2) and θ(3)")
        // The constant diffusion (independent of c) fits the pooled residual variance per unit time:
        // s² times the mean over c of the exact step's variance factor (1 − e^{−2θδt}) / (2θδt).
        let pooled = s * s * trained.reduce(0.0) { $0 + (1 - exp(-2 * $1 * dt)) / (2 * $1 * dt) } / Double(trained.count)
        XCTAssertEqual(pow(Double(model.diffusionConstant!.value.data[0]), 2), pooled, accuracy: 0.05 * pooled)
    }
}
