import Learning
import Random

/// The learned embedding e(ĉ) = tanh(W ĉ + b) ∈ ℝ⁸ of the normalised control parameters, which the
/// drift and diffusion networks read appended to the latent: their input is [z, e(ĉ)].
///
/// One embedding serves both networks (Docs/SDE.md, *Control parameters*): its gradient is the sum
/// of what the two networks send back through the columns of e.
final class ControlEmbedding {
    /// The embedding's width.
    static let width = 8

    /// The controls' names and normalisation.
    let controls: ControlParameters
    /// Linear c → 8, then tanh.
    let network: Sequential

    init(_ controls: ControlParameters, random: RandomStream) {
        self.controls = controls
        network = Sequential([Linear(controls.count, ControlEmbedding.width, random: random), Tanh()])
    }

    /// [z, e(ĉ)] for a batch z [B, n_z], with one row of physical control values per state in `values` (flattened).
    func conditioned(_ z: Tensor, on values: [Double]) -> Tensor {
        precondition(values.count == z.batch * controls.count, "one row of \(controls.count) control values per state")
        return Tensor.concatenatingColumns(z, network.forward(controls.normalised(values)))
    }

    /// Backward of `conditioned` (after a forward on the same controls): the gradients with respect
    /// to [z, e] of every network that read it, their e-columns summed and sent through the embedding
    /// into its parameters.
    func backward(_ inputGradients: [Tensor]) {
        precondition(!inputGradients.isEmpty, "the embedding's backward needs a network's input gradient")
        let parts = inputGradients.map { $0.columns(from: $0.itemCount - ControlEmbedding.width) }
        _ = network.backward(parts.dropFirst().reduce(parts[0]) { Tensor(combining: $0, $1, +) })
    }
}
