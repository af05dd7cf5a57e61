import MacroSDE

/// The regularisation ε on the diagonal of the likelihood's covariance A = λcδtσσᵀ + εI: a
/// number, or `auto`, a hundredth of the smallest variance of a latent component's increment
/// over the training pairs.
///
/// ε is a floor under A, and whatever part of the increments' variance it carries the fitted
/// diffusion does not: the reference's fixed 10⁻⁴ is small beside a single increment of its
/// latents, but an average over R replicas of a two-time estimate has 5/R of that variance, and
/// there a fixed 10⁻⁴ was half of it or more and made the fitted noise too weak (Docs/SDE.md,
/// *The regularisation ε*). `auto` keeps the floor at 1 % of the smallest component's variance
/// whatever the latents' units, replicas and estimator (smaller floors fit no better and make
/// the optimisation less stable).
public enum CovarianceRegularisation: Sendable, Equatable, LosslessStringConvertible {
    case auto
    case value(Double)

    /// The fraction of the smallest increment variance that `auto` takes.
    public static let autoFraction = 1e-2

    public init?(_ description: String) {
        if description == "auto" {
            self = .auto
        } else if let value = Double(description) {
            self = .value(value)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .auto: "auto"
        case .value(let value): "\(value)"
        }
    }

    /// ε for training on `pairs`, whose latent components are `names`; `auto` throws when a
    /// component never changes (its variance gives no scale).
    func resolved(for pairs: PairSet, names: [String]?) throws -> Double {
        switch self {
        case .value(let value):
            return value
        case .auto:
            let variances = pairs.incrementVariances
            for (i, variance) in variances.enumerated() where !(variance > 0 && variance.isFinite) {
                let name = names.flatMap { i < $0.count ? $0[i] : nil } ?? "component \(i)"
                throw SettingsError("ε = auto needs every latent component to change over the training pairs; \(name) has increment "
                                    + "variance \(variance): give --epsilon as a number")
            }
            return Self.autoFraction * variances.min()!
        }
    }
}
