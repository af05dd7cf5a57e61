import Artifacts
import Random

/// An NNK network with random weights, for benchmarks and tests where the published weights are
/// not at hand (Docs/SYSTEMS.md, *NbMoTa alloy*).
extension NNKBarrierModel {
    /// The network of the reference layout (`NNKBarrierModel`) with weights drawn from `seed`:
    /// Gaussian weights scaled by 1/√fan-in for the 128-unit width, so that activations stay of
    /// order one, BatchNorm statistics near but not equal to the identity (so that their folding is
    /// exercised), and an output spreading the barriers over tenths of an eV around 0.8 eV. The cost
    /// of a barrier does not depend on the values.
    public static func random(seed: UInt64) throws -> NNKBarrierModel {
        let random = RandomStream(seed: seed, stage: "nnk-random-network")
        func array(_ shape: [Int], _ draw: () -> Double) throws -> NumPyArray {
            try NumPyArray((0..<shape.reduce(1, *)).map { _ in Float(draw()) }, shape: shape)
        }
        var entries: [(name: String, array: NumPyArray)] = []
        for layer in 0..<4 {
            let inputs = layer == 0 ? NNKEnvironment.inputCount : width
            entries += [
                ("hidden\(layer).weight", try array([inputs, width]) { random.gaussian(sigma: 1 / Double(width).squareRoot()) }),
                ("hidden\(layer).bias", try array([width]) { random.gaussian(sigma: 0.1) }),
                ("hidden\(layer).bn_gamma", try array([width]) { 1 + random.gaussian(sigma: 0.1) }),
                ("hidden\(layer).bn_beta", try array([width]) { random.gaussian(sigma: 0.1) }),
                ("hidden\(layer).bn_running_mean", try array([width]) { random.gaussian(sigma: 0.1) }),
                ("hidden\(layer).bn_running_var", try array([width]) { 1 + random.uniform() }),
            ]
        }
        entries += [("output.weight", try array([width, 1]) { random.gaussian(sigma: 0.3) }),
                    ("output.bias", try array([1]) { 0.8 })]
        return try NNKBarrierModel(archive: NPZArchive(entries), source: "random weights (seed \(seed))")
    }
}
