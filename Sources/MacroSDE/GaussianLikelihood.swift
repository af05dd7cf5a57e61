import Foundation
import Learning
import Linalg

/// One batch of training pairs: z_t, the (estimated) next latent, the time step of each pair, the
/// factor c by which its increment's variance exceeds a single increment's, and the physical values
/// of the control parameters of each pair (flattened rows; empty without controls).
public struct PairBatch {
    public var start: Tensor
    public var next: Tensor
    public var dt: [Double]
    public var varianceFactor: [Double]
    public var controls: [Double]

    public init(start: Tensor, next: Tensor, dt: [Double], varianceFactor: [Double]? = nil, controls: [Double] = []) {
        precondition(start.shape == next.shape && start.batch == dt.count, "pair batch shapes disagree")
        precondition(varianceFactor == nil || varianceFactor!.count == dt.count, "one variance factor per pair")
        precondition(controls.count % max(dt.count, 1) == 0, "one row of control values per pair")
        self.start = start
        self.next = next
        self.dt = dt
        self.varianceFactor = varianceFactor ?? [Double](repeating: 1, count: dt.count)
        self.controls = controls
    }
}

/// The λ-scaled Gaussian negative log-likelihood of Docs/METHOD.md §2 item 5:
///
///     L = mean over pairs of rᵀA⁻¹r + log det A,  r = Δz − b(z)δt,  A = λ c σ(z)σ(z)ᵀ δt + ε I,
///
/// with c the pair's variance factor (1 for a single increment, 5 for the two-time Richardson
/// estimate). A⁻¹r and log det A come from a Cholesky factorisation of A; the gradients are
/// analytic: ∂L/∂r = 2A⁻¹r, ∂L/∂A = A⁻¹ − A⁻¹r rᵀA⁻¹ = G, hence ∂L/∂b = −δt·2A⁻¹r and
/// ∂L/∂σ = 2λcδt G σ (G symmetric); each divided by the number of pairs for the mean.
public struct GaussianLikelihood: Sendable {
    /// The covariance scale λ (K for the partial estimator, 1 for the naive baseline and validation).
    public var lambda: Double
    /// The regularisation ε added to the diagonal of A.
    public var epsilon: Double

    public init(lambda: Double, epsilon: Double = 1e-4) {
        self.lambda = lambda
        self.epsilon = epsilon
    }

    /// Why a loss could not be evaluated.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The mean loss over the batch; with `backward`, also accumulates the model's parameter gradients.
    public func loss(_ model: SDEModel, _ batch: PairBatch, backward: Bool) throws -> Double {
        let n = model.dimension, count = batch.start.batch
        let drift = model.driftValues(batch.start, controls: batch.controls)
        let sigma = model.diffusionMatrices(batch.start, controls: batch.controls)
        var driftGradient = Tensor(zeros: drift.shape)
        var sigmaGradient = Tensor(zeros: sigma.shape)
        var total = 0.0
        for p in 0..<count {
            let dt = batch.dt[p], scale = lambda * batch.varianceFactor[p] * dt
            let s = (0..<(n * n)).map { Double(sigma.data[p * n * n + $0]) }
            let r = (0..<n).map { i in
                Double(batch.next.data[p * n + i]) - Double(batch.start.data[p * n + i]) - Double(drift.data[p * n + i]) * dt
            }
            // A = λ c δt σσᵀ + ε I
            var a = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in 0..<n {
                    var sum = 0.0
                    for k in 0..<n { sum += s[i * n + k] * s[j * n + k] }
                    a[i * n + j] = scale * sum + (i == j ? epsilon : 0)
                }
            }
            guard let factor = Cholesky(a, size: n) else {
                throw Failure(description: "the covariance A of pair \(p) is not positive definite (σ has non-finite entries?)")
            }
            let solved = factor.solve(r)
            total += zip(r, solved).reduce(0) { $0 + $1.0 * $1.1 } + factor.logDeterminant
            guard backward else { continue }
            let inverse = factor.inverse
            for i in 0..<n { driftGradient.data[p * n + i] = Float(-2 * dt * solved[i] / Double(count)) }
            // G = A⁻¹ − (A⁻¹r)(A⁻¹r)ᵀ;  ∂L/∂σ = 2λcδt G σ
            for i in 0..<n {
                for k in 0..<n {
                    var sum = 0.0
                    for j in 0..<n { sum += (inverse[i * n + j] - solved[i] * solved[j]) * s[j * n + k] }
                    sigmaGradient.data[p * n * n + i * n + k] = Float(2 * scale * sum / Double(count))
                }
            }
        }
        let mean = total / Double(count)
        guard mean.isFinite else { throw Failure(description: "the loss is \(mean)") }
        if backward { model.backward(drift: driftGradient, diffusion: sigmaGradient) }
        return mean
    }
}
