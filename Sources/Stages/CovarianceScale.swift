import Artifacts
import Foundation

/// The covariance scale λ of the likelihood: a number, K, the number of tiling patches the pairs
/// were estimated with (recorded as `patches` in the pair file by `encode`), or a multiple cK of it
/// (`0.5K`: the same fraction of K for every lattice size of a sweep).
public enum CovarianceScale: Sendable, Equatable, LosslessStringConvertible {
    case value(Double)
    case patchCount
    /// c·K for c > 0, written `cK`.
    case patchMultiple(Double)

    public init?(_ description: String) {
        if description == "K" {
            self = .patchCount
        } else if description.hasSuffix("K"), let multiple = Double(description.dropLast()), multiple.isFinite, multiple > 0 {
            self = .patchMultiple(multiple)
        } else if let value = Double(description) {
            self = .value(value)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .value(let value): "\(value)"
        case .patchCount: "K"
        case .patchMultiple(let multiple): "\(multiple)K"
        }
    }

    /// Whether λ is read from the pairs' number of patches (K or a multiple of it).
    var scalesWithPatches: Bool {
        if case .value = self { return false }
        return true
    }

    /// λ for pairs estimated with `patches` tiling patches.
    func resolved(patches: Int) -> Double {
        switch self {
        case .value(let value): value
        case .patchCount: Double(patches)
        case .patchMultiple(let multiple): multiple * Double(patches)
        }
    }
}
