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

    /// How latents are normalised (Docs/METHOD.md §3).
    static var latentNormalization: LatentNormalization.Scheme { get }
    /// The reference optimizer settings of the closure autoencoder (Docs/METHOD.md §3).
    static var referenceClosureTraining: ClosureTraining { get }
}

/// A per-item encoder, a decoder, and how reconstructions are scored.
public struct ClosureNetworks {
    public var encoder: Sequential
    public var decoder: Sequential
    /// Outputs of the encoder per item.
    public var outputsPerItem: Int
    public var loss: (Tensor, Tensor) -> (loss: Double, gradient: Tensor)
}

extension IsingModel: ClosureSystem {
    public static let latentNormalization = LatentNormalization.Scheme.minMaxKeepingMagnetization
    /// AdamW (AMSGrad), learning rate 2·10⁻⁴, batch 512.
    public static let referenceClosureTraining = ClosureTraining(batchSize: 512, learningRate: 2e-4, weightDecay: .decoupled(0),
                                                                 betas: (0.9, 0.999), amsgrad: true)

    public func closureItems(of configuration: Grid<Int8>, patchShape: [Int]) -> [Float] {
        Grid<Int8>.tilingOrigins(of: spatialShape, patchSize: patchShape).flatMap { origin in
            configuration.patch(origin: origin, size: patchShape).values.map(Float.init)
        }
    }

    public func closureItemShape(patchShape: [Int]) -> [Int] { [1] + patchShape }

    public func closureItemCount(patchShape: [Int]) -> Int { Tiling.patches(of: spatialShape, patchShape: patchShape) }

    public func reconstructionTarget(_ configuration: Grid<Int8>) -> [Float] {
        configuration.values.map { (Float($0) + 1) / 2 }
    }

    /// Docs/METHOD.md §3: blocks of [Conv 3×3 → BatchNorm → LeakyReLU(0.2) → MaxPool 2] with 32, 64, 128, …
    /// channels, log2(L_s/2) of them (3 for L_s ≥ 16 here, at least 1), then Linear → closure; the
    /// decoder from (m, ρ, ẑ) through transposed convolutions up to L, channels halving (min 16),
    /// Sigmoid; BCE on (s + 1)/2; weights N(0, 0.02).
    public func closureNetworks(patchShape: [Int], closureDimension: Int, random: RandomStream) -> ClosureNetworks {
        let blocks = max(1, min(3, Int(log2(Double(patchShape[0] / 2)))))
        let encoder = Architectures.convolutionalEncoder(size: patchShape[0], channels: (0..<blocks).map { 32 << $0 },
                                                         outputs: closureDimension, random: random)
        let upsamplings = max(1, Int(log2(Double(size / 4))))
        let channels = (0..<upsamplings).map { max(16, 128 >> $0) }
        let decoder = Architectures.convolutionalDecoder(inputs: Self.macroscopicObservables.count + closureDimension,
                                                         channels: channels, random: random)
        return ClosureNetworks(encoder: encoder, decoder: decoder, outputsPerItem: closureDimension, loss: Loss.binaryCrossEntropy)
    }
}

extension PredatorPreyModel: ClosureSystem {
    public static let latentNormalization = LatentNormalization.Scheme.meanStd
    /// Adam, learning rate 10⁻⁴, weight decay 10⁻⁴, betas (0.9, 0.95), batch 256.
    public static let referenceClosureTraining = ClosureTraining(batchSize: 256, learningRate: 1e-4, weightDecay: .l2(1e-4),
                                                                 betas: (0.9, 0.95), amsgrad: false)

    public func closureItems(of configuration: Grid<Float>, patchShape: [Int]) -> [Float] {
        let n = configuration.siteCount, width = patchShape[0]
        // Species-major: u's K patches, then v's, so each species' patches average together.
        return (0..<2).flatMap { species in
            Array(configuration.values[(species * n)..<((species + 1) * n)])
        }.chunks(of: width).flatMap { $0 }
    }

    public func closureItemShape(patchShape: [Int]) -> [Int] { patchShape }

    public func closureItemCount(patchShape: [Int]) -> Int { 2 * Tiling.patches(of: spatialShape, patchShape: patchShape) }

    public func reconstructionTarget(_ configuration: Grid<Float>) -> [Float] { configuration.values }

    /// Docs/METHOD.md §3: one MLP L_s → 32 → 32 → 1 (ReLU) applied to each species' patches, averaged over the
    /// K patches (one closure variable per species); decoder MLP 4 → 32 → 32 → 2n; MSE; Xavier init.
    public func closureNetworks(patchShape: [Int], closureDimension: Int, random: RandomStream) -> ClosureNetworks {
        ClosureNetworks(encoder: Architectures.multilayerPerceptron([patchShape[0], 32, 32, 1], random: random),
                        decoder: Architectures.multilayerPerceptron([Self.macroscopicObservables.count + 2, 32, 32, 2 * points], random: random),
                        outputsPerItem: 1, loss: Loss.meanSquaredError)
    }
}

private extension Array {
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
