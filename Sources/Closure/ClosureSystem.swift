import Artifacts
import Foundation
import Learning
import Random
import Systems

/// A system with learned closure variables (Docs/METHOD.md §3): how its configurations are cut into the
/// items a per-patch encoder sees, what the decoder reconstructs, and the reference networks.
///
/// The encoder maps each item to `outputsPerItem` numbers; every run of `patchesPerConfiguration`
/// consecutive items is averaged (the K patches), giving the closure variables ẑ.
public protocol ClosureSystem: MicroscopicSystem {
    /// Encoder items of one configuration, concatenated (see `closureItemShape`).
    func closureItems(of configuration: Grid<Site>, patchShape: [Int]) -> [Float]
    /// The shape of one item: [1, L_s, L_s] for Ising patches, [L_s] for one species of a predator–prey patch.
    func closureItemShape(patchShape: [Int]) -> [Int]
    /// Items per configuration (K for Ising, 2K for predator–prey: each species' patches).
    func closureItemCount(patchShape: [Int]) -> Int
    /// What the decoder reproduces, flattened: (s + 1)/2 for spins, the fields themselves for predator–prey.
    func reconstructionTarget(_ configuration: Grid<Site>) -> [Float]
    /// The reference encoder (per item) and decoder (latent → reconstruction), and the loss between them.
    func closureNetworks(patchShape: [Int], closureDimension: Int, random: RandomStream) -> ClosureNetworks
    /// Throws a `ConfigurationError` unless `closureNetworks` can be built for this lattice and patch
    /// (the default accepts every tiling patch).
    func validateClosure(patchShape: [Int]) throws

    /// How latents are normalised (Docs/METHOD.md §3).
    static var latentNormalization: LatentNormalization.Scheme { get }
    /// The reference optimizer settings of the closure autoencoder (Docs/METHOD.md §3).
    static var referenceClosureTraining: ClosureTraining { get }
}

extension ClosureSystem {
    public func validateClosure(patchShape: [Int]) throws {}
}

/// A per-item encoder, a decoder, and how reconstructions are scored.
public struct ClosureNetworks {
    public var encoder: Sequential
    public var decoder: Sequential
    /// Outputs of the encoder per item.
    public var outputsPerItem: Int
    public var loss: (Tensor, Tensor) -> (loss: Double, gradient: Tensor)
}
