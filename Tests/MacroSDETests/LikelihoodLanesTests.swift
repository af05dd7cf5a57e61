import Foundation
import Learning
import Linalg
@testable import MacroSDE
import Random
import XCTest

/// `GaussianLikelihood` runs four pairs at a time in SIMD lanes; it must give, bit for bit, the loss
/// and gradients of the pair-by-pair loop it replaced (kept here as the reference, on `Cholesky`).
final class LikelihoodLanesTests: XCTestCase {
    /// The pair-by-pair loss; with `backward`, accumulates the gradients into the model.
    private func pairByPairLoss(_ model: SDEModel, _ batch: PairBatch, _ likelihood: GaussianLikelihood, backward: Bool) -> Double? {
        let n = model.dimension, count = batch.start.batch
        let drift = model.driftValues(batch.start), sigma = model.diffusionMatrices(batch.start)
        var driftGradient = Tensor(zeros: drift.shape), sigmaGradient = Tensor(zeros: sigma.shape)
        var total = 0.0
        for p in 0..<count {
            let dt = batch.dt[p], scale = likelihood.lambda * batch.varianceFactor[p] * dt
            let s = (0..<(n * n)).map { Double(sigma.data[p * n * n + $0]) }
            let r = (0..<n).map { i in Double(batch.next.data[p * n + i]) - Double(batch.start.data[p * n + i]) - Double(drift.data[p * n + i]) * dt }
            var a = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in 0..<n {
                    var sum = 0.0
                    for k in 0..<n { sum += s[i * n + k] * s[j * n + k] }
                    a[i * n + j] = scale * sum + (i == j ? likelihood.epsilon : 0)
                }
            }
            guard let factor = Cholesky(a, size: n) else { return nil }
            let solved = factor.solve(r)
            total += zip(r, solved).reduce(0) { $0 + $1.0 * $1.1 } + factor.logDeterminant
            let inverse = factor.inverse
            for i in 0..<n { driftGradient.data[p * n + i] = Float(-2 * dt * solved[i] / Double(count)) }
            for i in 0..<n {
                for k in 0..<n {
                    var sum = 0.0
                    for j in 0..<n { sum += (inverse[i * n + j] - solved[i] * solved[j]) * s[j * n + k] }
                    sigmaGradient.data[p * n * n + i * n + k] = Float(2 * scale * sum / Double(count))
                }
            }
        }
        if backward { model.backward(drift: driftGradient, diffusion: sigmaGradient) }
        return total / Double(count)
    }

    /// Batches of 1, 4, 7 and 37 pairs (full groups and a partial last group), n_z = 1…4, every
    /// diffusion mode: the same loss and the same parameter gradients, bit for bit.
    func testLanesGiveThePairByPairLossAndGradientsBitForBit() throws {
        let random = RandomStream(seed: 9, stage: "likelihood-lanes")
        for n in 1...4 {
            for count in [1, 4, 7, 37] {
                func tensor(_ scale: Double) -> Tensor {
                    Tensor(shape: [count, n], data: (0..<(count * n)).map { _ in Float(random.gaussian(sigma: scale)) })
                }
                let batch = PairBatch(start: tensor(1), next: tensor(1), dt: (0..<count).map { _ in random.uniform(0.01, 0.2) },
                                      varianceFactor: (0..<count).map { $0 % 3 == 0 ? 5 : 1 })
                for mode in DiffusionMode.allCases {
                    let model = SDEModel(dimension: n, mode: mode, hidden: [8, 8], random: random)
                    let likelihood = GaussianLikelihood(lambda: 16, epsilon: 1e-4)
                    for parameter in model.parameters { parameter.zeroGradient() }
                    let lanes = try likelihood.loss(model, batch, backward: true)
                    let lanesGradients = model.parameters.map(\.gradient.data)
                    for parameter in model.parameters { parameter.zeroGradient() }
                    let reference = try XCTUnwrap(pairByPairLoss(model, batch, likelihood, backward: true))
                    XCTAssertEqual(lanes.bitPattern, reference.bitPattern, "n_z = \(n), \(count) pairs, \(mode): \(lanes) against \(reference)")
                    XCTAssertEqual(lanesGradients, model.parameters.map(\.gradient.data), "n_z = \(n), \(count) pairs, \(mode)")
                }
            }
        }
    }

    /// A non-finite σ in the sixth pair only (the second lane of the second group) is named in the error.
    func testTheFirstPairWithoutAPositiveDefiniteCovarianceIsNamed() {
        let model = SDEModel(dimension: 2, mode: .diagonal, hidden: [4], random: RandomStream(seed: 3, stage: "x"))
        var start = Tensor(zeros: [7, 2])
        start.data[5 * 2] = .nan
        let batch = PairBatch(start: start, next: Tensor(zeros: [7, 2]), dt: [Double](repeating: 0.1, count: 7))
        XCTAssertThrowsError(try GaussianLikelihood(lambda: 1).loss(model, batch, backward: false)) { error in
            XCTAssertTrue("\(error)".contains("pair 5 "), "\(error)")
        }
    }
}
