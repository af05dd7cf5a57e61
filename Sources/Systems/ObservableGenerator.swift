import Artifacts

/// The instantaneous rates of change of a system's macroscopic observables at one configuration:
/// the first two Kramers–Moyal coefficients of the jump process they follow.
public struct ObservableMoments: Sendable, Equatable {
    /// d⟨z⟩/dt at the configuration: Σ over possible events of rate × Δz.
    public var drift: [Double]
    /// d Cov(z)/dt at the configuration: Σ over possible events of rate × Δz Δzᵀ (n × n, row-major).
    public var covariance: [Double]

    public init(drift: [Double], covariance: [Double]) {
        precondition(covariance.count == drift.count * drift.count, "an n × n covariance for n observables")
        self.drift = drift
        self.covariance = covariance
    }
}

/// A system whose dynamics are jumps with rates known from the configuration, so that the
/// generator of the dynamics applied to `macroscopicObservables` can be evaluated exactly at
/// any configuration, without evolving it.
///
/// Over a short time δt the observables' increment from configuration x has mean drift·δt and
/// covariance covariance·δt, up to O(δt²): the δt → 0 limit of the partial estimator with every
/// patch evolved and averaged, free of the finite-δt bias and of the dynamics' noise
/// (Docs/ESTIMATOR.md, *The generator*).
public protocol ObservableGenerator: MicroscopicSystem {
    /// Throws a `ConfigurationError` unless the system's dynamics have such a generator.
    func validateGenerator() throws
    /// The moments of the macroscopic observables' jumps at `configuration`, the whole lattice.
    func observableMoments(at configuration: Grid<Site>) -> ObservableMoments
}
