import Foundation
import Learning
import Linalg
@testable import MacroSDE
import Random
import TestSupport
import XCTest

/// Pairs from one Euler–Maruyama step of dz = −B z dt + S dW from scattered starting points.
func ornsteinUhlenbeckPairs(count: Int, dt: Double, drift b: [Double], noise s: [Double], seed: UInt64) -> PairSet {
    let random = RandomStream(seed: seed, stage: "ou")
    var start: [Float] = [], next: [Float] = []
    for _ in 0..<count {
        let z = [random.gaussian(sigma: 1.2), random.gaussian(sigma: 1.2)]
        let xi = [random.gaussian(), random.gaussian()]
        for i in 0..<2 {
            let mean = z[i] - (b[i * 2] * z[0] + b[i * 2 + 1] * z[1]) * dt
            let kick = (s[i * 2] * xi[0] + s[i * 2 + 1] * xi[1]) * dt.squareRoot()
            start.append(Float(z[i]))
            next.append(Float(mean + kick))
        }
    }
    return PairSet(start: Tensor(shape: [count, 2], data: start), next: Tensor(shape: [count, 2], data: next),
                   dt: [Double](repeating: dt, count: count))
}

final class CholeskyTests: XCTestCase {
    func testSolveLogDeterminantAndInverse() throws {
        let a: [Double] = [4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]
        let factor = try XCTUnwrap(Cholesky(a, size: 3))
        let x = factor.solve([1, 2, 3])
        for i in 0..<3 {
            XCTAssertEqual((0..<3).reduce(0) { $0 + a[i * 3 + $1] * x[$1] }, Double(i + 1), accuracy: 1e-12)
        }
        // det by cofactor expansion: 4(15 − 1) − 2(6 − 0.6) + 0.6(2 − 3) = 44.6
        XCTAssertEqual(factor.logDeterminant, log(44.6), accuracy: 1e-12)
        let inverse = factor.inverse
        for i in 0..<3 {
            for j in 0..<3 {
                XCTAssertEqual((0..<3).reduce(0) { $0 + a[i * 3 + $1] * inverse[$1 * 3 + j] }, i == j ? 1 : 0, accuracy: 1e-12)
            }
        }
        XCTAssertNil(Cholesky([1, 2, 2, 1], size: 2), "indefinite")
    }
}

final class LikelihoodGradientTests: XCTestCase {
    /// Finite differences of the batch loss with respect to every kind of parameter, all four modes.
    func testLossGradientsForAllDiffusionModes() throws {
        let random = RandomStream(seed: 1, stage: "sde-gradient")
        let n = 3
        func tensor(_ rows: Int, _ scale: Double) -> Tensor {
            Tensor(shape: [rows, n], data: (0..<(rows * n)).map { _ in Float(random.gaussian(sigma: scale)) })
        }
        // Variance factors as the two-time estimator writes them (5), and others, per pair.
        let batch = PairBatch(start: tensor(6, 1), next: tensor(6, 1), dt: (0..<6).map { _ in random.uniform(0.05, 0.2) },
                              varianceFactor: [1, 5, 5, 2.5, 1, 8])
        for mode in DiffusionMode.allCases {
            let model = SDEModel(dimension: n, mode: mode, hidden: [8, 8], random: random)
            // A well-conditioned A (ε = 0.5, a random full-rank constant σ), so that central differences
            // with a Float step resolve the loss; the all-ones reference start is rank one.
            if mode == .constant {
                model.diffusionConstant!.value = Tensor(shape: [n, n], data: (0..<(n * n)).map { _ in Float(random.gaussian(sigma: 0.7)) })
            }
            try assertLikelihoodGradients(model, batch, GaussianLikelihood(lambda: 3, epsilon: 0.5), label: "\(mode)")
        }
    }

    /// The same with a conditional covariance C per pair (random symmetric positive definite, and
    /// zero for one pair): the drift's residual weighted by (C + εI)⁻¹, ∂L/∂A = A⁻¹ − A⁻¹CA⁻¹.
    func testLossGradientsWithConditionalCovariances() throws {
        let random = RandomStream(seed: 7, stage: "sde-gradient-covariance")
        let n = 3, count = 6
        func tensor(_ scale: Double) -> Tensor {
            Tensor(shape: [count, n], data: (0..<(count * n)).map { _ in Float(random.gaussian(sigma: scale)) })
        }
        let covariances = (0..<count).flatMap { p -> [Double] in
            let f = (0..<(n * n)).map { _ in random.gaussian(sigma: p == 2 ? 0 : 0.4) }
            return (0..<n).flatMap { i in (0..<n).map { j in (0..<n).reduce(0) { $0 + f[i * n + $1] * f[j * n + $1] } } }
        }
        let batch = PairBatch(start: tensor(1), next: tensor(1), dt: (0..<count).map { _ in random.uniform(0.05, 0.2) },
                              varianceFactor: [1, 5, 1, 2, 1, 1], conditionalCovariance: covariances)
        for mode in DiffusionMode.allCases {
            let model = SDEModel(dimension: n, mode: mode, hidden: [8, 8], random: random)
            if mode == .constant {
                model.diffusionConstant!.value = Tensor(shape: [n, n], data: (0..<(n * n)).map { _ in Float(random.gaussian(sigma: 0.7)) })
            }
            // A finer step: the drift term's weight (C + εI)⁻¹ is larger where C is small.
            try assertLikelihoodGradients(model, batch, GaussianLikelihood(lambda: 2, epsilon: 0.5), label: "\(mode) with C", h: 5e-4)
        }
    }

    func testLossOfAKnownGaussianMatchesTheFormula() throws {
        // Constant diagonal σ = 1 (initial), zero drift (all weights zeroed): A = λδt I + εI.
        let model = SDEModel(dimension: 2, mode: .constantDiagonal, hidden: [4], random: RandomStream(seed: 2, stage: "x"))
        for parameter in model.drift.parameters { parameter.value = Tensor(zeros: parameter.value.shape) }
        let batch = PairBatch(start: Tensor(shape: [1, 2], data: [0, 0]), next: Tensor(shape: [1, 2], data: [0.3, -0.1]), dt: [0.5])
        let loss = try GaussianLikelihood(lambda: 2, epsilon: 1e-4).loss(model, batch, backward: false)
        let a = 2 * 0.5 + 1e-4
        XCTAssertEqual(loss, (0.09 + 0.01) / a + 2 * log(a), accuracy: 1e-6)
        // A variance factor c scales the covariance like λ: A = λ c δt I + εI.
        var scaled = batch
        scaled.varianceFactor = [5]
        let a5 = 2 * 5 * 0.5 + 1e-4
        XCTAssertEqual(try GaussianLikelihood(lambda: 2, epsilon: 1e-4).loss(model, scaled, backward: false),
                       (0.09 + 0.01) / a5 + 2 * log(a5), accuracy: 1e-6)
        // A conditional covariance C: rᵀW⁻¹r with W = C + εI, plus tr(A⁻¹C) + log det A.
        var known = batch
        known.conditionalCovariance = [0.02, 0.01, 0.01, 0.05]
        let w = [0.02 + 1e-4, 0.01, 0.01, 0.05 + 1e-4], determinant = w[0] * w[3] - w[1] * w[2]
        let weighted = (0.09 * w[3] - 2 * 0.3 * -0.1 * w[1] + 0.01 * w[0]) / determinant
        XCTAssertEqual(try GaussianLikelihood(lambda: 2, epsilon: 1e-4).loss(model, known, backward: false),
                       weighted + (0.02 + 0.05) / a + 2 * log(a), accuracy: 1e-6)
    }
}

final class SDERecoveryTests: XCTestCase {
    /// Known drift matrix B and full diffusion S (Σ = SSᵀ), pairs from single Euler–Maruyama steps
    /// of δt = 0.5 (exactly the model's likelihood). With 20 000 pairs the statistical error of a
    /// linear fit would be ≈ 1 % for the drift and ≈ 1 % for Σ; the MLP drift adds fitting noise.
    func testTrainingRecoversDriftAndDiffusionOfA2DOrnsteinUhlenbeckProcess() throws {
        let b = [1.0, 0.5, -0.3, 0.8], s = [0.6, 0.0, 0.3, 0.4]
        try assertTrainingRecovers(drift: b, noise: s, from: ornsteinUhlenbeckPairs(count: 20000, dt: 0.5, drift: b, noise: s, seed: 1),
                                   tolerance: 0.05)
    }

    /// The same process given as generator pairs: next = the step's conditional mean and its
    /// conditional covariance SSᵀδt, as `macroscale generator` writes them — with each pair's drift
    /// off −Bz by a hidden N(0, 0.3²) per component, as snapshots at one z differ in what z does not
    /// show. 10 000 pairs (in batches of 500: as many steps as 20 000 in 1000) recover the drift and Σ within 5 %;
    /// fitting the residual as noise would put δt · 0.09 = 0.045 on Σ's diagonal (12 % of Σ).
    func testTrainingOnConditionalMomentsRecoversTheSameProcess() throws {
        let b = [1.0, 0.5, -0.3, 0.8], s = [0.6, 0.0, 0.3, 0.4], dt = 0.5
        let drawn = ornsteinUhlenbeckPairs(count: 10000, dt: dt, drift: b, noise: s, seed: 1)
        let z = drawn.start.data.map(Double.init)
        let hidden = RandomStream(seed: 8, stage: "hidden-drift")
        let mean = (0..<10000).flatMap { p in
            (0..<2).map { i in Float(z[2 * p + i] - ((b[i * 2] * z[2 * p] + b[i * 2 + 1] * z[2 * p + 1]) + hidden.gaussian(sigma: 0.3)) * dt) }
        }
        let covariance = (0..<2).flatMap { i in (0..<2).map { j in (s[i * 2] * s[j * 2] + s[i * 2 + 1] * s[j * 2 + 1]) * dt } }
        let pairs = PairSet(start: drawn.start, next: Tensor(shape: [10000, 2], data: mean), dt: drawn.dt,
                            conditionalCovariance: (0..<10000).flatMap { _ in covariance })
        try assertTrainingRecovers(drift: b, noise: s, from: pairs, batchSize: 500, tolerance: 0.05)
    }

    /// Fits a constant-diffusion model to `pairs` (40 epochs) and checks its drift against −Bz and σσᵀ against SSᵀ.
    private func assertTrainingRecovers(drift b: [Double], noise s: [Double], from pairs: PairSet, batchSize: Int = 1000, tolerance: Double,
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        let model = SDEModel(dimension: 2, mode: .constant, hidden: [32, 32], constantStart: .identity,
                             random: RandomStream(seed: 2, stage: "model"))
        var training = SDETraining()
        training.epochs = 40
        training.batchSize = batchSize
        training.learningRate = 1e-2
        try training.train(model, on: pairs)

        // Drift on points inside the data cloud, relative error in norm.
        let probe = Tensor(shape: [9, 2], data: [0.5, 0.5, -0.5, 0.5, 0.5, -0.5, -0.5, -0.5, 1, 0, 0, 1, -1, 0, 0, -1, 0.8, -0.3])
        let drift = model.driftValues(probe)
        var error = 0.0, norm = 0.0
        for p in 0..<9 {
            let z = [Double(probe.data[2 * p]), Double(probe.data[2 * p + 1])]
            for i in 0..<2 {
                let exact = -(b[i * 2] * z[0] + b[i * 2 + 1] * z[1])
                error += pow(Double(drift.data[2 * p + i]) - exact, 2)
                norm += exact * exact
            }
        }
        print("OU recovery: relative drift error", (error / norm).squareRoot())
        XCTAssertLessThan((error / norm).squareRoot(), tolerance, "relative drift error", file: file, line: line)
        // Σ = σσᵀ against SSᵀ, relative error in Frobenius norm.
        let sigma = model.diffusionMatrices(probe).data.prefix(4).map(Double.init)
        var sigmaError = 0.0, sigmaNorm = 0.0
        for i in 0..<2 {
            for j in 0..<2 {
                let learned = sigma[i * 2] * sigma[j * 2] + sigma[i * 2 + 1] * sigma[j * 2 + 1]
                let exact = s[i * 2] * s[j * 2] + s[i * 2 + 1] * s[j * 2 + 1]
                sigmaError += pow(learned - exact, 2)
                sigmaNorm += exact * exact
            }
        }
        print("OU recovery: relative Σ error", (sigmaError / sigmaNorm).squareRoot())
        XCTAssertLessThan((sigmaError / sigmaNorm).squareRoot(), tolerance, "relative Σ error", file: file, line: line)
    }

    /// K independent patch processes dy_i = −y_i dt + s dW_i; the observable is z = mean y_i, whose
    /// full-system diffusion is s²/K. Pairs come from the partial estimator: evolve one random patch
    /// I, ẑ = z + y_I' − y_I. With λ = K the fit recovers s²/K; with λ = 1 it is ≈ K times too large.
    /// A pair's increment is one patch's whatever the system around it, so the same pairs fitted
    /// with λ = 4K give the diffusion s²/(4K) of a system of 4K patches (how `Pipelines/alloy.yaml`
    /// learns its 65,536- and 524,288-atom SDEs from the 8,192-atom pairs).
    func testLambdaEqualToKRecoversTheFullSystemDiffusion() throws {
        let k = 5, s = 1.0, dt = 0.05
        let random = RandomStream(seed: 3, stage: "patches")
        var start: [Float] = [], next: [Float] = []
        for _ in 0..<20000 {
            let y = (0..<k).map { _ in random.gaussian(sigma: (0.5).squareRoot()) }
            let z = y.reduce(0, +) / Double(k)
            let patch = random.uniformInt(k)
            let evolved = y[patch] - y[patch] * dt + s * dt.squareRoot() * random.gaussian()
            start.append(Float(z))
            next.append(Float(z + evolved - y[patch]))
        }
        let pairs = PairSet(start: Tensor(shape: [20000, 1], data: start), next: Tensor(shape: [20000, 1], data: next),
                            dt: [Double](repeating: dt, count: 20000))
        var learned: [Double: Double] = [:]
        for lambda in [Double(k), 1, Double(4 * k)] {
            let model = SDEModel(dimension: 1, mode: .constantDiagonal, hidden: [16], random: RandomStream(seed: 4, stage: "model"))
            var training = SDETraining()
            training.epochs = 20
            training.batchSize = 1000
            training.learningRate = 1e-2
            training.likelihood = GaussianLikelihood(lambda: lambda, epsilon: 1e-6)
            try training.train(model, on: pairs)
            learned[lambda] = pow(Double(model.diffusionConstant!.value.data[0]), 2)
        }
        let full = s * s / Double(k)
        print("λ test: full-system Σ = \(full); learned with λ = K: \(learned[Double(k)]!), with λ = 1: \(learned[1]!), with λ = 4K: \(learned[Double(4 * k)]!)")
        XCTAssertEqual(learned[Double(k)]!, full, accuracy: 0.1 * full)
        XCTAssertEqual(learned[1]! / full, Double(k), accuracy: 0.1 * Double(k))
        XCTAssertEqual(learned[Double(4 * k)]!, full / 4, accuracy: 0.1 * full / 4, "the system of 4K patches")
    }
}

final class ConstantDiffusionStartTests: XCTestCase {
    /// The reference's all-ones start can never become full rank: after training on the same
    /// 2-D data the columns of σ are still equal.
    func testAllOnesStartStaysRankOne() throws {
        let pairs = ornsteinUhlenbeckPairs(count: 2000, dt: 0.2, drift: [1, 0.5, -0.3, 0.8], noise: [0.6, 0, 0.3, 0.4], seed: 5)
        let model = SDEModel(dimension: 2, mode: .constant, hidden: [8], constantStart: .ones, random: RandomStream(seed: 6, stage: "m"))
        var training = SDETraining()
        training.epochs = 5
        training.batchSize = 500
        try training.train(model, on: pairs)
        let sigma = model.diffusionConstant!.value.data
        XCTAssertNotEqual(sigma, [1, 1, 1, 1], "σ did change")
        XCTAssertEqual(sigma[0], sigma[1])
        XCTAssertEqual(sigma[2], sigma[3])
    }
}

final class DivergenceTests: XCTestCase {
    func testANonFiniteLossStopsTrainingWithWhereAndWhat() {
        var start = [Float](repeating: 0.1, count: 200)
        start[150] = .nan
        let pairs = PairSet(start: Tensor(shape: [200, 1], data: start), next: Tensor(shape: [200, 1], data: [Float](repeating: 0.2, count: 200)),
                            dt: [Double](repeating: 0.1, count: 200))
        let model = SDEModel(dimension: 1, mode: .diagonal, hidden: [4], random: RandomStream(seed: 1, stage: "m"))
        var training = SDETraining()
        training.epochs = 2
        training.batchSize = 50
        XCTAssertThrowsError(try training.train(model, on: pairs)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("epoch 1, batch"), text)
            XCTAssertTrue(text.contains("1 non-finite"), text)
        }
    }
}

final class RolloutTests: XCTestCase {
    func testRolloutsAreReproducibleAndCountNonFiniteTrajectories() {
        let model = SDEModel(dimension: 2, mode: .constantDiagonal, hidden: [4], random: RandomStream(seed: 5, stage: "m"))
        for parameter in model.drift.parameters { parameter.value = Tensor(zeros: parameter.value.shape) }
        let initial = Tensor(shape: [3, 2], data: [0, 0, 1, 1, -1, 2])
        let a = Rollout.run(model, initial: initial, steps: 50, dt: 0.01, seed: 9)
        let b = Rollout.run(model, initial: initial, steps: 50, dt: 0.01, seed: 9)
        XCTAssertEqual(a.trajectories, b.trajectories)
        XCTAssertEqual(a.trajectories.shape, [3, 51, 2])
        XCTAssertEqual(Array(a.trajectories.data[0..<2]), [0, 0])
        XCTAssertEqual(a.nonFinite, 0)
        // Pure Brownian motion with σ = 1: the increments over 50 steps of 0.01 have variance 0.5.
        let many = Rollout.run(model, initial: Tensor(zeros: [2000, 2]), steps: 50, dt: 0.01, seed: 1)
        let finals = (0..<2000).map { Double(many.trajectories.data[($0 * 51 + 50) * 2]) }
        let variance = finals.map { $0 * $0 }.reduce(0, +) / 2000
        XCTAssertEqual(variance, 0.5, accuracy: 0.05)
        // A trajectory that goes non-finite is counted and stays NaN; the others carry on.
        let poisoned = Tensor(shape: [3, 2], data: [0, 0, .infinity, 1, -1, 2])
        let blown = Rollout.run(model, initial: poisoned, steps: 5, dt: 0.1, seed: 2)
        XCTAssertEqual(blown.nonFinite, 1)
        XCTAssertTrue(blown.trajectories.data[(1 * 6 + 5) * 2].isNaN)
        XCTAssertTrue(blown.trajectories.data[(0 * 6 + 5) * 2].isFinite && blown.trajectories.data[(2 * 6 + 5) * 2].isFinite)
    }

    /// A trajectory that leaves the bounds is counted as escaped and frozen at NaN — exactly the
    /// trajectories whose unbounded path (the same noise) leaves them; no bounds, no escapes.
    func testRunawayTrajectoriesAreCountedAndExcluded() {
        let model = SDEModel(dimension: 2, mode: .constantDiagonal, hidden: [4], random: RandomStream(seed: 5, stage: "m"))
        for parameter in model.drift.parameters { parameter.value = Tensor(zeros: parameter.value.shape) }
        let initial = Tensor(zeros: [50, 2])
        let free = Rollout.run(model, initial: initial, steps: 20, dt: 0.01, seed: 4)
        let bounds = SDECheckpoint.LatentRange(lower: [-0.5, -0.5], upper: [0.5, 0.5])
        let bounded = Rollout.run(model, initial: initial, steps: 20, dt: 0.01, bounds: bounds, seed: 4)
        let left = (0..<50).filter { j in (1...20).contains { t in (0..<2).contains { abs(free.trajectories.data[(j * 21 + t) * 2 + $0]) > 0.5 } } }
        XCTAssertEqual(free.escaped, 0)
        XCTAssertGreaterThan(left.count, 0)
        XCTAssertLessThan(left.count, 50)
        XCTAssertEqual(bounded.escaped, left.count)
        XCTAssertEqual(bounded.nonFinite, 0)
        for j in 0..<50 { XCTAssertEqual(bounded.trajectories.data[(j * 21 + 20) * 2].isNaN, left.contains(j)) }
        XCTAssertEqual(bounds.escapeBounds, SDECheckpoint.LatentRange(lower: [-10.5, -10.5], upper: [10.5, 10.5]))
    }

    /// A recorded step of dt in k substeps is the same Euler–Maruyama path as k recorded steps of
    /// dt / k (the same noise draws in the same order), and rollouts take as many substeps as keep
    /// each no longer than the training pairs' δt.
    func testSubstepsFollowTheFinerPathAndAreNoLongerThanTheTrainingStep() throws {
        let model = SDEModel(dimension: 2, mode: .diagonal, hidden: [4], random: RandomStream(seed: 6, stage: "m"))
        let initial = Tensor(shape: [3, 2], data: [0.1, -0.2, 0.5, 0.3, -0.4, 0.0])
        let coarse = Rollout.run(model, initial: initial, steps: 2, dt: 0.8, substeps: 4, seed: 3)
        let fine = Rollout.run(model, initial: initial, steps: 8, dt: 0.2, seed: 3)
        for j in 0..<3 {
            for (c, f) in [(1, 4), (2, 8)] {
                for i in 0..<2 {
                    XCTAssertEqual(coarse.trajectories.data[(j * 3 + c) * 2 + i], fine.trajectories.data[(j * 9 + f) * 2 + i], accuracy: 1e-6)
                }
            }
        }
        var checkpoint = SDECheckpoint(model: model, hidden: [4], lambda: 1, epsilon: 1e-4, timeScale: 2, trainingStep: 1)
        XCTAssertEqual(try checkpoint.substeps(over: 2), 1, "one model time unit")
        XCTAssertEqual(try checkpoint.substeps(over: 5), 3, "2.5 model time units")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try checkpoint.save(to: dir.file("model.safetensors"))
        XCTAssertEqual(try SDECheckpoint.load(from: dir.file("model.safetensors")).trainingStep, 1)
        for bad in [Double.infinity, .nan, 0, -1, 1e300] {
            XCTAssertThrowsError(try checkpoint.substeps(over: bad), "a step of \(bad) is refused, not trapped or looped over")
        }
        checkpoint.trainingStep = nil
        XCTAssertEqual(try checkpoint.substeps(over: 5), 1, "a checkpoint without its training step")
    }
}

final class TailAveragingTests: XCTestCase {
    /// With `averagedEpochs` = 3 the trained model holds the mean of the parameters seen at the
    /// end of the last three epochs (recorded here from `onEpoch`), not the last iterate.
    func testAveragedParametersAreTheMeanOfTheLastEpochs() throws {
        let pairs = ornsteinUhlenbeckPairs(count: 2000, dt: 0.2, drift: [1, 0.5, -0.3, 0.8], noise: [0.6, 0, 0.3, 0.4], seed: 7)
        let model = SDEModel(dimension: 2, mode: .diagonal, hidden: [8], random: RandomStream(seed: 8, stage: "m"))
        var training = SDETraining()
        training.epochs = 6
        training.batchSize = 200
        training.learningRate = 1e-2
        training.averagedEpochs = 3
        var iterates: [[Float]] = []
        try training.train(model, on: pairs) { _ in iterates.append(model.parameters.flatMap(\.value.data)) }
        let final = model.parameters.flatMap(\.value.data)
        let mean = (0..<final.count).map { i in iterates.suffix(3).reduce(0.0) { $0 + Double($1[i]) } / 3 }
        XCTAssertNotEqual(final, iterates.last!, "not the last iterate")
        for i in final.indices { XCTAssertEqual(Double(final[i]), mean[i], accuracy: 1e-6 * max(1, abs(mean[i]))) }
    }
}

final class EpsilonAnnealingTests: XCTestCase {
    /// ε starts `epsilonAnnealing` times larger and falls geometrically to its value at the middle
    /// epoch, where it stays; with 1 it is fixed.
    func testEpsilonFallsGeometricallyOverTheFirstHalf() {
        var training = SDETraining()
        training.epochs = 10
        training.likelihood = GaussianLikelihood(lambda: 1, epsilon: 1e-6)
        training.epsilonAnnealing = 100
        XCTAssertEqual(training.epsilon(inEpoch: 1), 1e-4, accuracy: 1e-15)
        XCTAssertEqual(training.epsilon(inEpoch: 3), 1e-6 * pow(100, 0.6), accuracy: 1e-15)
        for epoch in 6...10 { XCTAssertEqual(training.epsilon(inEpoch: epoch), 1e-6, accuracy: 1e-18) }
        for epoch in 1..<6 { XCTAssertGreaterThan(training.epsilon(inEpoch: epoch), training.epsilon(inEpoch: epoch + 1)) }
        training.epsilonAnnealing = 1
        for epoch in 1...10 { XCTAssertEqual(training.epsilon(inEpoch: epoch), 1e-6) }
    }
}
