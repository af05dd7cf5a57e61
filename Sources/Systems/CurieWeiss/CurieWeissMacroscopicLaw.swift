import Foundation

/// The magnetization of the Curie–Weiss model under Glauber dynamics, for N spins, in Glauber time:
///
///     b(m) = −m + tanh(β(m + h)),   Σ(m) = (2/N)(1 − m·tanh(β(m + h))).
///
/// A down spin flips at rate (1 + tanh(β(m + h)))/2 and an up spin at (1 − tanh(β(m + h)))/2 (up to
/// O(1/N) in the mean field), each flip moving m by ∓2/N; the drift is the rate-weighted mean jump
/// and Σ the rate-weighted squared jump.
extension CurieWeissModel: ExactMacroscopicLaw {
    public func exactDrift(at observables: [Double]) -> [Double] {
        let m = observables[0]
        return [-m + tanh(beta * (m + field))]
    }

    public func exactDiffusion(at observables: [Double]) -> [Double] {
        let m = observables[0]
        return [2 / Double(size * size) * (1 - m * tanh(beta * (m + field)))]
    }
}
