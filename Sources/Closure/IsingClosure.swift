import Artifacts
import Foundation
import Learning
import Random
import Systems

/// The Ising model's closure variables: convolutional encoder on spin patches (Docs/METHOD.md §3).
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
    /// decoder from (m, ρ, ẑ) through transposed convolutions up to L (`decoderDoublings`), channels
    /// halving (min 16), Sigmoid; BCE on (s + 1)/2; weights N(0, 0.02).
    public func closureNetworks(patchShape: [Int], closureDimension: Int, random: RandomStream) -> ClosureNetworks {
        let blocks = max(1, min(3, Int(log2(Double(patchShape[0] / 2)))))
        let encoder = Architectures.convolutionalEncoder(size: patchShape[0], channels: (0..<blocks).map { 32 << $0 },
                                                         outputs: closureDimension, random: random)
        let doublings = Self.decoderDoublings(size: size)
        let channels = (0..<doublings).map { max(16, 128 >> $0) }
        let decoder = Architectures.convolutionalDecoder(inputs: Self.macroscopicObservables.count + closureDimension,
                                                         side: size >> doublings, channels: channels, random: random)
        return ClosureNetworks(encoder: encoder, decoder: decoder, outputsPerItem: closureDimension, loss: Loss.binaryCrossEntropy)
    }

    /// The decoder's doublings k for a lattice of side L: the most with L/2^k a whole number of at
    /// least 4, and at least one (64 → 4·2⁴, 48 → 6·2³, 6 → 3·2¹).
    static func decoderDoublings(size: Int) -> Int {
        var doublings = 1
        while size % (2 << doublings) == 0 && size >> (doublings + 1) >= 4 { doublings += 1 }
        return doublings
    }

    /// Throws unless the decoder can reproduce the L × L lattice: L must be even.
    public func validateClosure(patchShape: [Int]) throws {
        guard size % 2 == 0 else { throw ConfigurationError("the Ising closure decoder doubles its side up to L, which must be even; got L = \(size)") }
    }
}
