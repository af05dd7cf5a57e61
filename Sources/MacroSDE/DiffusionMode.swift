/// How the diffusion matrix σ(z) of the macroscopic SDE is parametrised (Docs/METHOD.md §3).
public enum DiffusionMode: String, Sendable, CaseIterable, Codable {
    /// An MLP n_z → … → n_z², reshaped to a full n_z × n_z matrix.
    case arbitrary
    /// An MLP n_z → … → n_z on the diagonal.
    case diagonal
    /// A learned vector on the diagonal, the same for every z (initialised to 1).
    case constantDiagonal
    /// A learned n_z × n_z matrix, the same for every z (initialised by `ConstantDiffusionStart`).
    case constant
}

/// The starting value of the `constant` diffusion matrix.
public enum ConstantDiffusionStart: String, Sendable, CaseIterable, Codable {
    /// All ones, as the reference. The gradient 2λδt·Gσ of a matrix with equal columns has equal
    /// columns, and Adam updates entries with equal gradient histories equally, so σ stays rank one
    /// for ever: for n_z ≥ 2 the fitted Σ = σσᵀ is singular and ε carries the other directions.
    case ones
    /// The identity: full rank from the start.
    case identity
}
