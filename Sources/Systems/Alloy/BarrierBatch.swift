/// The vacancies whose barriers one evaluation of a `HopBarrierModel` computes together, and the
/// scratch buffers the model reuses from one evaluation to the next.
///
/// A batch belongs to one thread: a sampler, or the lockstep run of several samplers, owns it and
/// empties it before each round (`removeAll`, which keeps the buffers), so no hop allocates.
public final class BarrierBatch {
    /// The eight barriers (eV) of each vacancy added, in the order added; final once the model has
    /// evaluated the batch (`+∞` for a hop onto another vacancy).
    public internal(set) var barriers: [SIMD8<Double>] = []
    /// The environment codes of the vacancy being added, as the model lays them out.
    var codes: [Float] = []
    /// Network inputs of the added hops, one row per hop (8 per vacancy), as the model lays them out.
    var inputs: [Float] = []
    /// Activations of the current and the next layer, as the model lays them out.
    var layer: [Float] = []
    var nextLayer: [Float] = []

    /// An empty batch.
    public init() {}

    /// Vacancies added.
    public var count: Int { barriers.count }

    /// Forgets the vacancies added, keeping the buffers' capacity.
    public func removeAll() {
        barriers.removeAll(keepingCapacity: true)
        inputs.removeAll(keepingCapacity: true)
    }
}
