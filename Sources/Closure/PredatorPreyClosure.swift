import Artifacts
import Foundation
import Learning
import Random
import Systems

/// The predator–prey closure variables: one MLP per species' patches (Docs/METHOD.md §3).
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
