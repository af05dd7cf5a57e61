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

    /// λ for the pair file `archive`, read from `url`.
    func resolved(in archive: NPZArchive, from url: URL) throws -> Double {
        switch self {
        case .value(let value): return value
        case .patchCount:
            guard archive.names.contains("patches"), let k = try archive.array("patches", in: url.path).doubleValues().first else {
                throw ArtifactError(url.path, "λ = K needs the number of patches, which these pairs do not record (encode writes it); give λ as a number")
            }
            return k
        }
    }
}
