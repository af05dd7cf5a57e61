import Artifacts
import Foundation
import Learning
import Random
import Systems

/// A closure autoencoder (Docs/METHOD.md §2 item 4, §3): the per-item encoder averaged over each
/// configuration's patches gives the closure variables ẑ; the decoder reconstructs the
/// configuration from the latent z = (z*, ẑ), z* the macroscopic observables.
///
/// `latent(of:)` is the normalised latent φ(x) = (z − offset) / scale with the statistics fixed by
/// `fitNormalisation` (in the scheme `System.latentNormalization` names) and saved with the model, the same map
/// for whole configurations and for single patches (a patch is a configuration of one patch).
public final class ClosureAutoencoder<System: ClosureSystem> {
    public let system: System
    public let patchShape: [Int]
    public let closureDimension: Int
    let networks: ClosureNetworks
    let average: PatchAverage
    /// The saved offset and scale of the latent normalisation (observables, then closure variables).
    private let latentOffset: Buffer, latentScale: Buffer

    /// Indices of the macroscopic observables among the system's observables.
    let observableIndices: [Int]

    public init(system: System, patchShape: [Int], closureDimension: Int, random: RandomStream) {
        self.system = system
        self.patchShape = patchShape
        networks = system.closureNetworks(patchShape: patchShape, closureDimension: closureDimension, random: random)
        self.closureDimension = system.closureItemCount(patchShape: patchShape) / Self.patches(system, patchShape) * networks.outputsPerItem
        average = PatchAverage(groupSize: Self.patches(system, patchShape))
        let latent = System.macroscopicObservables.count + self.closureDimension
        let identity = LatentNormalization(identityIn: System.latentNormalization, dimension: latent)
        latentOffset = Buffer(identity.tensorNames.offset, Tensor(shape: [latent], data: identity.offset))
        latentScale = Buffer(identity.tensorNames.scale, Tensor(shape: [latent], data: identity.scale))
        observableIndices = System.macroscopicObservables.map { System.observableNames.firstIndex(of: $0)! }
    }

    /// K: the patches of one configuration of `system`.
    static func patches(_ system: System, _ patchShape: [Int]) -> Int {
        Tiling.patches(of: system.spatialShape, patchShape: patchShape)
    }

    /// Every trainable parameter.
    public var parameters: [Parameter] { networks.encoder.parameters + networks.decoder.parameters }

    /// Everything saved: encoder, decoder, normalisation.
    public var state: [(name: String, tensor: StateTensor)] {
        networks.encoder.state.map { ("encoder.\($0.name)", $0.tensor) } + networks.decoder.state.map { ("decoder.\($0.name)", $0.tensor) }
            + [(latentOffset.name, .buffer(latentOffset)), (latentScale.name, .buffer(latentScale))]
    }

    /// The latent normalisation as fitted (the identity before `fitNormalisation`) or loaded.
    public var normalization: LatentNormalization {
        get {
            LatentNormalization(identityIn: System.latentNormalization, dimension: latentOffset.value.count)
                .with(offset: latentOffset.value.data, scale: latentScale.value.data)
        }
        set {
            latentOffset.value = Tensor(shape: latentOffset.value.shape, data: newValue.offset)
            latentScale.value = Tensor(shape: latentScale.value.shape, data: newValue.scale)
        }
    }

    public var isTraining: Bool {
        get { networks.encoder.isTraining }
        set {
            networks.encoder.isTraining = newValue
            networks.decoder.isTraining = newValue
        }
    }

    /// The macroscopic observables z* of each configuration, [B, n*].
    public func observables(_ configurations: [Grid<System.Site>], on grid: System) -> Tensor {
        Tensor(shape: [configurations.count, observableIndices.count], data: configurations.flatMap { configuration in
            let all = grid.observables(of: configuration)
            return observableIndices.map { Float(all[$0]) }
        })
    }

    /// The closure variables ẑ of configurations of `grid`'s size (the whole system, or one patch), [B, d].
    public func closure(_ configurations: [Grid<System.Site>], on grid: System) -> Tensor {
        let items = grid.closureItemCount(patchShape: patchShape)
        let input = Tensor(shape: [configurations.count * items] + grid.closureItemShape(patchShape: patchShape),
                           data: configurations.flatMap { grid.closureItems(of: $0, patchShape: patchShape) })
        let patchesPerConfiguration = Self.patches(grid, patchShape)
        let perItem = networks.encoder.forward(input)
        // Average each configuration's K patches (for a lone patch, K = 1).
        let grouped = PatchAverage(groupSize: patchesPerConfiguration).forward(perItem)
        return grouped.reshaped([configurations.count, closureDimension])
    }

    /// The normalised latents (z*, ẑ) of configurations of `grid`'s size, [B, n* + d], in evaluation mode.
    public func latent(of configurations: [Grid<System.Site>], on grid: System) -> Tensor {
        let wasTraining = isTraining
        isTraining = false
        defer { isTraining = wasTraining }
        return normalise(Tensor.concatenatingColumns(observables(configurations, on: grid), closure(configurations, on: grid)))
    }

    /// (z − offset) / scale.
    func normalise(_ z: Tensor) -> Tensor {
        let n = z.itemCount
        return Tensor(shape: z.shape, data: z.data.enumerated().map { ($0.element - latentOffset.value.data[$0.offset % n]) / latentScale.value.data[$0.offset % n] })
    }

    /// Fixes the normalisation from the raw latents of `configurations` in the system's scheme:
    /// mean and standard deviation, or minimum and range with the magnetization left as it is.
    public func fitNormalisation(_ configurations: [Grid<System.Site>]) {
        normalization = LatentNormalization(identityIn: System.latentNormalization, dimension: latentOffset.value.count)
        let raw = latent(of: configurations, on: system)
        let n = raw.itemCount
        let columns = (0..<n).map { k in (0..<raw.batch).map { Double(raw.data[$0 * n + k]) } }
        normalization = LatentNormalization(fitting: System.latentNormalization, columns: columns) { k in
            k < System.macroscopicObservables.count && System.macroscopicObservables[k] == "magnetization"
        }
    }

    /// One reconstruction pass on whole configurations; with `optimizer`, also a training step. Returns the loss.
    @discardableResult
    public func step(_ configurations: [Grid<System.Site>], optimizer: Adam?) -> Double {
        let zStar = observables(configurations, on: system)
        let items = system.closureItemCount(patchShape: patchShape)
        let input = Tensor(shape: [configurations.count * items] + system.closureItemShape(patchShape: patchShape),
                           data: configurations.flatMap { system.closureItems(of: $0, patchShape: patchShape) })
        let closure = average.forward(networks.encoder.forward(input)).reshaped([configurations.count, closureDimension])
        let reconstruction = networks.decoder.forward(Tensor.concatenatingColumns(zStar, closure))
        let target = Tensor(shape: reconstruction.shape, data: configurations.flatMap { system.reconstructionTarget($0) })
        let (loss, gradient) = networks.loss(reconstruction, target)
        guard let optimizer else { return loss }
        optimizer.zeroGradients()
        let latentGradient = networks.decoder.backward(gradient)
        let closureGradient = latentGradient.columns(from: zStar.itemCount)
        _ = networks.encoder.backward(average.backward(closureGradient.reshaped([configurations.count * items / average.groupSize, networks.outputsPerItem])))
        optimizer.step()
        return loss
    }
}
