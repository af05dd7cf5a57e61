/// A system whose macroscopic observables obey a known SDE in the limit of short times: the
/// truth a learned drift and diffusion can be checked against without simulating.
public protocol ExactMacroscopicLaw {
    /// The drift b of the observables (`MicroscopicSystem.macroscopicObservables`) at the given
    /// values, per unit of physical time.
    func exactDrift(at observables: [Double]) -> [Double]
    /// The diffusion Σ = σσᵀ (row-major, n × n) at the given values, per unit of physical time.
    func exactDiffusion(at observables: [Double]) -> [Double]
}
