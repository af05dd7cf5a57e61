import Foundation

/// The Glauber flip rate `1 / (1 + exp(β ΔH))` of a spin whose flip changes the energy by `ΔH`.
///
/// It satisfies detailed balance, `rate(ΔH) / rate(−ΔH) = exp(−β ΔH)`, and never exceeds 1.
@inlinable
public func glauberRate(beta: Double, energyChange: Double) -> Double {
    1 / (1 + exp(beta * energyChange))
}
