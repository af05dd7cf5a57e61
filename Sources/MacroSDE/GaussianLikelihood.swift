import Foundation
import Learning

/// One batch of training pairs: z_t, the (estimated) next latent, the time step of each pair, the
/// factor c by which its increment's variance exceeds a single increment's, the physical values
/// of the control parameters of each pair (flattened rows; empty without controls), and for pairs
/// whose next latent is the conditional mean of the increment, its known conditional covariance.
public struct PairBatch {
    public var start: Tensor
    public var next: Tensor
    public var dt: [Double]
    public var varianceFactor: [Double]
    public var controls: [Double]
    /// The covariance C of each pair's increment given z_t, n_z × n_z row-major per pair, where
    /// `next` is the increment's conditional mean rather than one draw (pairs from the generator of
    /// the dynamics); empty for drawn increments (C = 0).
    public var conditionalCovariance: [Double]

    public init(start: Tensor, next: Tensor, dt: [Double], varianceFactor: [Double]? = nil, controls: [Double] = [],
                conditionalCovariance: [Double] = []) {
        precondition(start.shape == next.shape && start.batch == dt.count, "pair batch shapes disagree")
        precondition(varianceFactor == nil || varianceFactor!.count == dt.count, "one variance factor per pair")
        precondition(controls.count % max(dt.count, 1) == 0, "one row of control values per pair")
        precondition(conditionalCovariance.isEmpty || conditionalCovariance.count == start.batch * start.itemCount * start.itemCount,
                     "one n_z × n_z conditional covariance per pair")
        self.start = start
        self.next = next
        self.dt = dt
        self.varianceFactor = varianceFactor ?? [Double](repeating: 1, count: dt.count)
        self.controls = controls
        self.conditionalCovariance = conditionalCovariance
    }
}

/// The λ-scaled Gaussian negative log-likelihood of Docs/METHOD.md §2 item 5:
///
///     L = mean over pairs of rᵀA⁻¹r + log det A,  r = Δz − b(z)δt,  A = λ c σ(z)σ(z)ᵀ δt + ε I,
///
/// with c the pair's variance factor (1 for a single increment, 5 for the two-time Richardson
/// estimate). A⁻¹r and log det A come from a Cholesky factorisation of A, four pairs at a time in
/// SIMD lanes; the gradients are analytic: ∂L/∂r = 2A⁻¹r, ∂L/∂A = A⁻¹ − A⁻¹r rᵀA⁻¹ = G, hence
/// ∂L/∂b = −δt·2A⁻¹r and ∂L/∂σ = 2λcδt G σ (G symmetric); each divided by the number of pairs.
///
/// Pairs that carry the conditional covariance C of their increment, `next` being its conditional
/// mean (generator pairs), have the term
///
///     rᵀW⁻¹r + tr(A⁻¹C) + log det A,   W = C + εI:
///
/// a least-squares term for the drift weighted by the known W, and the increment's expected
/// negative log-likelihood about its mean for the diffusion. The residual stays out of the
/// diffusion's term: snapshots at one z have different drifts, and their spread — a finite-δt
/// effect, not noise of z — would otherwise be fitted as diffusion (δt Var(b | z) on top of C/δt).
/// The minimum is at b = the conditional mean of the drifts given z (weighted by W⁻¹) and
/// λ c σσᵀ δt + εI = E[C | z]; G = A⁻¹ − A⁻¹CA⁻¹, ∂L/∂b = −δt·2W⁻¹r.
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
    ///
    /// Pairs go through in groups of four, one per SIMD lane: the factorisation, the solves and the
    /// gradients run on all four at once, with each lane doing the arithmetic of a pair alone in the
    /// same order (the loss and gradients are those of a pair-by-pair loop bit for bit), and no
    /// allocation per pair. The pairs' terms are added to the total one after another in order.
    public func loss(_ model: SDEModel, _ batch: PairBatch, backward: Bool) throws -> Double {
        typealias Lanes = SIMD4<Double>
        let width = Lanes.scalarCount
        let n = model.dimension, count = batch.start.batch
        let drift = model.driftValues(batch.start, controls: batch.controls)
        let sigma = model.diffusionMatrices(batch.start, controls: batch.controls)
        var driftGradient = Tensor(zeros: drift.shape)
        var sigmaGradient = Tensor(zeros: sigma.shape)
        var s = [Lanes](repeating: .zero, count: n * n), lower = s
        var r = [Lanes](repeating: .zero, count: n)
        let known = !batch.conditionalCovariance.isEmpty
        var c = [Lanes](repeating: .zero, count: known ? n * n : 0), g = [Lanes](repeating: .zero, count: n * n)
        // Right-hand sides solved together, row i holding (r_i, then row i of the identity with
        // `backward` or a conditional covariance): they become (A⁻¹r)_i and row i of A⁻¹.
        let sides = backward || known ? n + 1 : 1
        var x = [Lanes](repeating: .zero, count: n * sides)
        var weightLower = [Lanes](repeating: .zero, count: known ? n * n : 0)
        var total = 0.0
        /// Factors the symmetric matrix with entries `entry(i, j)` (j ≤ i) as L Lᵀ into `lower`,
        /// naming the first pair whose matrix is not positive definite.
        func factor(into lower: inout [Lanes], used: Int, first: Int, what: String, hint: String, entry: (Int, Int) -> Lanes) throws {
            for i in 0..<n {
                for j in 0...i {
                    var sum = entry(i, j)
                    for k in 0..<j { sum -= lower[i * n + k] * lower[j * n + k] }
                    if i == j {
                        let positive = (sum .> 0) .& (sum .< .infinity)
                        if let lane = (0..<used).first(where: { !positive[$0] }) {
                            throw Failure(description: "\(what) of pair \(first + lane) is not positive definite\(hint)")
                        }
                        lower[i * n + i] = sum.squareRoot()
                    } else {
                        lower[i * n + j] = sum / lower[j * n + j]
                    }
                }
            }
        }
        /// Solves L Lᵀ y = b in place for the `sides` right-hand sides stored row-major in `y`
        /// (forward substitution with L, then back substitution with Lᵀ, every side at once).
        func substitute(_ y: inout [Lanes], sides: Int, lower: [Lanes]) {
            for i in 0..<n {
                for side in 0..<sides {
                    for k in 0..<i { y[i * sides + side] -= lower[i * n + k] * y[k * sides + side] }
                    y[i * sides + side] /= lower[i * n + i]
                }
            }
            for i in stride(from: n - 1, through: 0, by: -1) {
                for side in 0..<sides {
                    for k in (i + 1)..<n { y[i * sides + side] -= lower[k * n + i] * y[k * sides + side] }
                    y[i * sides + side] /= lower[i * n + i]
                }
            }
        }
        for first in stride(from: 0, to: count, by: width) {
            let used = min(width, count - first)
            var dt = Lanes.zero, scale = Lanes.zero
            // Lanes past the batch's end repeat its last pair; their results are dropped.
            for lane in 0..<width {
                let p = first + min(lane, used - 1)
                dt[lane] = batch.dt[p]
                scale[lane] = lambda * batch.varianceFactor[p] * batch.dt[p]
                for e in 0..<(n * n) { s[e][lane] = Double(sigma.data[p * n * n + e]) }
                if known { for e in 0..<(n * n) { c[e][lane] = batch.conditionalCovariance[p * n * n + e] } }
                for i in 0..<n {
                    r[i][lane] = Double(batch.next.data[p * n + i]) - Double(batch.start.data[p * n + i]) - Double(drift.data[p * n + i]) * batch.dt[p]
                }
            }
            // A = λ c δt σσᵀ + ε I, factored A = L Lᵀ.
            try factor(into: &lower, used: used, first: first, what: "the covariance A", hint: " (σ has non-finite entries?)") { i, j in
                var product = Lanes.zero
                for k in 0..<n { product += s[i * n + k] * s[j * n + k] }
                return scale * product + Lanes(repeating: i == j ? epsilon : 0)
            }
            for i in 0..<n {
                x[i * sides] = r[i]
                for j in 1..<sides { x[i * sides + j] = Lanes(repeating: i == j - 1 ? 1 : 0) }
            }
            substitute(&x, sides: sides, lower: lower)
            // The drift's residual is weighed by A⁻¹, or for known conditional moments by
            // W⁻¹ = (C + εI)⁻¹, which does not involve σ.
            var solved = (0..<n).map { x[$0 * sides] }
            var trace = Lanes.zero
            if known {
                try factor(into: &weightLower, used: used, first: first, what: "the conditional covariance C + εI", hint: "") { i, j in
                    c[i * n + j] + Lanes(repeating: i == j ? epsilon : 0)
                }
                solved = r
                substitute(&solved, sides: 1, lower: weightLower)
                // tr(A⁻¹C), the expected quadratic form of the increment's spread about its mean.
                for e in 0..<(n * n) { trace += x[(e / n) * sides + 1 + e % n] * c[e] }
            }
            for lane in 0..<used {
                var quadratic = trace[lane], logDeterminant = 0.0
                for i in 0..<n { quadratic += r[i][lane] * solved[i][lane] }
                for i in 0..<n { logDeterminant += 2 * log(lower[i * n + i][lane]) }
                total += quadratic + logDeterminant
            }
            guard backward else { continue }
            // ∂L/∂b = −2δt A⁻¹r (W⁻¹r);  G = A⁻¹ − (A⁻¹r)(A⁻¹r)ᵀ (A⁻¹ − A⁻¹CA⁻¹), ∂L/∂σ = 2λcδt G σ
            for i in 0..<n {
                for j in 0..<n {
                    guard known else {
                        g[i * n + j] = x[i * sides + 1 + j] - solved[i] * solved[j]
                        continue
                    }
                    g[i * n + j] = x[i * sides + 1 + j]
                    for k in 0..<n {
                        var inner = Lanes.zero
                        for l in 0..<n { inner += c[k * n + l] * x[l * sides + 1 + j] }
                        g[i * n + j] -= x[i * sides + 1 + k] * inner
                    }
                }
            }
            let pairs = Double(count)
            for i in 0..<n {
                let gradient = -2 * dt * solved[i] / pairs
                for lane in 0..<used { driftGradient.data[(first + lane) * n + i] = Float(gradient[lane]) }
                for k in 0..<n {
                    var sum = Lanes.zero
                    for j in 0..<n { sum += g[i * n + j] * s[j * n + k] }
                    let gradient = 2 * scale * sum / pairs
                    for lane in 0..<used { sigmaGradient.data[(first + lane) * n * n + i * n + k] = Float(gradient[lane]) }
                }
            }
        }
        let mean = total / Double(count)
        guard mean.isFinite else { throw Failure(description: "the loss is \(mean)") }
        if backward { model.backward(drift: driftGradient, diffusion: sigmaGradient) }
        return mean
    }
}
