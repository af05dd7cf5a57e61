/// How the change of one patch evolved alone estimates the change of the whole system.
///
/// A patch evolved with the rest of the system frozen relaxes towards the frozen surroundings on
/// its own, fast time scale, while the whole system moves on its slow collective one; so the mean
/// patch increment over a time δt falls behind b·δt by a term of order δt² (in the mean-field
/// Curie–Weiss model E[Δ_I(δt)] ≈ b (1 − e^{−δt}) against b (1 − e^{−γδt})/γ for the whole
/// system, γ the collective relaxation rate). Docs/ESTIMATOR.md derives it and shows the
/// measured bias against δt.
public enum PartialEstimator: String, Sendable, CaseIterable {
    /// The reference: one interval, Δ = φ(x_{t+δt,I}) − φ(x_{t,I}); biased at order δt².
    case single
    /// Richardson extrapolation from the patch recorded at two times t₁ < t₂ = δt: the
    /// combination a·Δ(t₁) + c·Δ(t₂) that is b·δt for an increment b·t + q·t², free of the order
    /// δt² bias (see `RichardsonWeights`). Its variance is larger (5 × for t₁ = δt/2), which the
    /// likelihood is told through a per-pair variance factor.
    case richardson
}

/// The two-time combination w₁·Δ(t₁) + w₂·Δ(t₂) of increments observed at t₁ < t₂ that is
/// exactly b·t₂ for every increment of the form b·t + q·t² (Richardson extrapolation), and the
/// factor by which its variance exceeds that of a single increment over t₂ when increments over
/// disjoint intervals are independent with variance ∝ their length.
///
/// With r = t₁/t₂: w₁ = 1/(r(1 − r)), w₂ = −r/(1 − r); for t₁ = t₂/2 that is 4Δ(t₂/2) − Δ(t₂).
/// Writing Δ(t₂) = Δ(t₁) + D with D independent of Δ(t₁):
/// Var = (w₁ + w₂)² t₁ + w₂² (t₂ − t₁), in units of the variance per unit time, divided by t₂ —
/// 5 for t₁ = t₂/2.
public struct RichardsonWeights: Equatable, Sendable {
    public let first: Double
    public let second: Double
    public let varianceFactor: Double

    /// The weights for observation times 0 < t₁ < t₂ (nil otherwise).
    public init?(t1: Double, t2: Double) {
        guard t1 > 0, t2 > t1, t1.isFinite, t2.isFinite else { return nil }
        let r = t1 / t2
        first = 1 / (r * (1 - r))
        second = -r / (1 - r)
        varianceFactor = (first + second) * (first + second) * r + second * second * (1 - r)
    }

    /// w₁·a + w₂·b, component by component.
    public func combine(_ a: [Double], _ b: [Double]) -> [Double] {
        zip(a, b).map { first * $0 + second * $1 }
    }
}

/// The estimated increment of observables recorded before, (half-way,) and after: the single
/// increment `after − before`, or with `weights` the two-time combination of both increments.
public func estimatedIncrement(before: [Double], midway: [Double]?, after: [Double], weights: RichardsonWeights?) -> [Double] {
    let increment = zip(after, before).map { $0 - $1 }
    guard let weights, let midway else { return increment }
    return weights.combine(zip(midway, before).map { $0 - $1 }, increment)
}
