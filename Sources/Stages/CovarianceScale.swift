import Artifacts
import Foundation

/// The covariance scale λ of the likelihood: a number, or K, the number of tiling patches the
/// pairs were estimated with (recorded as `patches` in the pair file by `encode`).
public enum CovarianceScale: Sendable, Equatable, LosslessStringConvertible {
    case value(Double)
    case patchCount

    public init?(_ description: String) {
        if description == "K" { self = .patchCount } else if let value = Double(description) { self = .value(value) } else { return nil }
    }

    public var description: String {
        switch self {
        case .value(let value): "\(value)"
        case .patchCount: "K"
        }
    }

    /// λ for pairs estimated with `patches` tiling patches.
    func resolved(patches: Int) -> Double {
        switch self {
        case .value(let value): value
        case .patchCount: Double(patches)
        }
    }
}
