import Artifacts
import Learning
import Random

/// The macroscopic SDE dz = b(z) dt + σ(z) dW: a drift MLP and a diffusion parametrised by `mode`;
/// with control parameters c, dz = b(z, c) dt + σ(z, c) dW, the networks reading [z, e(ĉ)]
/// (`ControlEmbedding`; the constant modes' σ does not depend on c).
public final class SDEModel {
    /// How σ(z) is computed: an MLP for the z-dependent modes, one learned parameter for the constant ones.
    enum Diffusion {
        /// An MLP n_z → … → n_z², reshaped to a full matrix.
        case full(Sequential)
        /// An MLP n_z → … → n_z on the diagonal.
        case diagonal(Sequential)
        /// A learned vector on the diagonal.
        case constantDiagonal(Parameter)
        /// A learned n_z × n_z matrix.
        case constant(Parameter)
    }

    public let dimension: Int
    /// b: n_z (+ the embedding's width, with controls) → n_z.
    public let drift: Sequential
    let diffusion: Diffusion
    /// The embedding of the control parameters; nil for a model without controls.
    let embedding: ControlEmbedding?

    /// A model with the given hidden widths (reference: 64, 64, 64) and ReLU activations, conditioned
    /// on `controls` if given (the embedding is drawn after the networks).
    public init(dimension: Int, controls: ControlParameters? = nil, mode: DiffusionMode, hidden: [Int] = [64, 64, 64],
                constantStart: ConstantDiffusionStart = .ones, random: RandomStream) {
        self.dimension = dimension
        let inputs = dimension + (controls == nil ? 0 : ControlEmbedding.width)
        drift = Architectures.multilayerPerceptron([inputs] + hidden + [dimension], random: random)
        switch mode {
        case .arbitrary:
            diffusion = .full(Architectures.multilayerPerceptron([inputs] + hidden + [dimension * dimension], random: random))
        case .diagonal:
            diffusion = .diagonal(Architectures.multilayerPerceptron([inputs] + hidden + [dimension], random: random))
        case .constantDiagonal:
            diffusion = .constantDiagonal(Parameter("sigma", Tensor(shape: [dimension], data: [Float](repeating: 1, count: dimension))))
        case .constant:
            let start = (0..<(dimension * dimension)).map { k -> Float in
                constantStart == .ones || k / dimension == k % dimension ? 1 : 0
            }
            diffusion = .constant(Parameter("sigma", Tensor(shape: [dimension, dimension], data: start)))
        }
        embedding = controls.map { ControlEmbedding($0, random: random) }
    }

    /// The control parameters the model is conditioned on, with their normalisation; nil for none.
    public var controls: ControlParameters? { embedding?.controls }

    /// How σ(z) is parametrised.
    public var mode: DiffusionMode {
        switch diffusion {
        case .full: return .arbitrary
        case .diagonal: return .diagonal
        case .constantDiagonal: return .constantDiagonal
        case .constant: return .constant
        }
    }

    /// The diffusion MLP of the z-dependent modes.
    private var diffusionNetwork: Sequential? {
        switch diffusion {
        case .full(let network), .diagonal(let network): return network
        case .constantDiagonal, .constant: return nil
        }
    }

    /// The learned σ of the constant modes.
    var diffusionConstant: Parameter? {
        switch diffusion {
        case .constantDiagonal(let sigma), .constant(let sigma): return sigma
        case .full, .diagonal: return nil
        }
    }

    /// Every trainable parameter (drift, then diffusion, then the control embedding).
    public var parameters: [Parameter] {
        drift.parameters + (diffusionNetwork?.parameters ?? []) + (diffusionConstant.map { [$0] } ?? []) + (embedding?.network.parameters ?? [])
    }

    /// Every saved tensor, named `drift.…`, `diffusion.…` and `controls.…`.
    public var state: [(name: String, tensor: StateTensor)] {
        drift.state.map { ("drift.\($0.name)", $0.tensor) }
            + (diffusionNetwork?.state.map { ("diffusion.\($0.name)", $0.tensor) } ?? [])
            + (diffusionConstant.map { [("diffusion.sigma", StateTensor.parameter($0))] } ?? [])
            + (embedding?.network.state.map { ("controls.\($0.name)", $0.tensor) } ?? [])
    }

    /// The networks' input for a batch z [B, n_z]: z itself, or [z, e(ĉ)] with one row of physical
    /// control values per state in `controls` (flattened).
    private func input(_ z: Tensor, controls: [Double]) -> Tensor {
        guard let embedding else {
            precondition(controls.isEmpty, "the model has no control parameters")
            return z
        }
        return embedding.conditioned(z, on: controls)
    }

    /// Drift b(z, c) for a batch [B, n_z] → [B, n_z]; `controls` holds one row of physical values per
    /// state (flattened), empty for a model without controls.
    public func driftValues(_ z: Tensor, controls: [Double] = []) -> Tensor { drift.forward(input(z, controls: controls)) }

    /// Diffusion matrices σ(z, c) for a batch, [B, n_z × n_z] row-major; `controls` as for `driftValues`.
    public func diffusionMatrices(_ z: Tensor, controls: [Double] = []) -> Tensor {
        let n = dimension, batch = z.batch
        switch diffusion {
        case .full(let network):
            return network.forward(input(z, controls: controls))
        case .diagonal(let network):
            return Self.diagonalMatrices(network.forward(input(z, controls: controls)), n: n)
        case .constantDiagonal(let sigma):
            return Self.diagonalMatrices(Tensor(shape: [batch, n], data: (0..<batch).flatMap { _ in sigma.value.data }), n: n)
        case .constant(let sigma):
            return Tensor(shape: [batch, n * n], data: (0..<batch).flatMap { _ in sigma.value.data })
        }
    }

    /// Backward of `driftValues` and `diffusionMatrices` (after forwards on the same batch, the
    /// diffusion's last): accumulates every parameter's gradient from ∂L/∂b and ∂L/∂σ.
    func backward(drift driftGradient: Tensor, diffusion matrixGradient: Tensor) {
        let driftInput = drift.backward(driftGradient)
        let diffusionInput = diffusionBackward(matrixGradient)
        embedding?.backward([driftInput] + (diffusionInput.map { [$0] } ?? []))
    }

    /// Backward of `diffusionMatrices`: accumulates the diffusion's parameter gradients and returns the
    /// gradient with respect to its network's input (nil for the constant modes, which have none).
    private func diffusionBackward(_ matrixGradient: Tensor) -> Tensor? {
        let n = dimension, batch = matrixGradient.batch
        switch diffusion {
        case .full(let network):
            return network.backward(matrixGradient)
        case .diagonal(let network):
            return network.backward(Self.diagonals(matrixGradient, n: n))
        case .constantDiagonal(let sigma):
            let diagonal = Self.diagonals(matrixGradient, n: n)
            for row in 0..<batch {
                for i in 0..<n { sigma.gradient.data[i] += diagonal.data[row * n + i] }
            }
        case .constant(let sigma):
            for row in 0..<batch {
                for k in 0..<(n * n) { sigma.gradient.data[k] += matrixGradient.data[row * n * n + k] }
            }
        }
        return nil
    }

    static func diagonalMatrices(_ values: Tensor, n: Int) -> Tensor {
        var matrices = Tensor(zeros: [values.batch, n * n])
        for row in 0..<values.batch {
            for i in 0..<n { matrices.data[row * n * n + i * n + i] = values.data[row * n + i] }
        }
        return matrices
    }

    static func diagonals(_ matrices: Tensor, n: Int) -> Tensor {
        var values = Tensor(zeros: [matrices.batch, n])
        for row in 0..<matrices.batch {
            for i in 0..<n { values.data[row * n + i] = matrices.data[row * n * n + i * n + i] }
        }
        return values
    }
}
