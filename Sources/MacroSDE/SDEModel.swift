import Artifacts
import Learning
import Random

/// The macroscopic SDE dz = b(z) dt + σ(z) dW: a drift MLP and a diffusion parametrised by `mode`.
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
    /// b: n_z → n_z.
    public let drift: Sequential
    let diffusion: Diffusion

    /// A model with the given hidden widths (reference: 64, 64, 64) and ReLU activations.
    public init(dimension: Int, mode: DiffusionMode, hidden: [Int] = [64, 64, 64],
                constantStart: ConstantDiffusionStart = .ones, random: RandomStream) {
        self.dimension = dimension
        drift = Architectures.multilayerPerceptron([dimension] + hidden + [dimension], random: random)
        switch mode {
        case .arbitrary:
            diffusion = .full(Architectures.multilayerPerceptron([dimension] + hidden + [dimension * dimension], random: random))
        case .diagonal:
            diffusion = .diagonal(Architectures.multilayerPerceptron([dimension] + hidden + [dimension], random: random))
        case .constantDiagonal:
            diffusion = .constantDiagonal(Parameter("sigma", Tensor(shape: [dimension], data: [Float](repeating: 1, count: dimension))))
        case .constant:
            let start = (0..<(dimension * dimension)).map { k -> Float in
                constantStart == .ones || k / dimension == k % dimension ? 1 : 0
            }
            diffusion = .constant(Parameter("sigma", Tensor(shape: [dimension, dimension], data: start)))
        }
    }

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

    /// Every trainable parameter (drift, then diffusion).
    public var parameters: [Parameter] {
        drift.parameters + (diffusionNetwork?.parameters ?? []) + (diffusionConstant.map { [$0] } ?? [])
    }

    /// Every saved tensor, named `drift.…` and `diffusion.…`.
    public var state: [(name: String, tensor: StateTensor)] {
        drift.state.map { ("drift.\($0.name)", $0.tensor) }
            + (diffusionNetwork?.state.map { ("diffusion.\($0.name)", $0.tensor) } ?? [])
            + (diffusionConstant.map { [("diffusion.sigma", StateTensor.parameter($0))] } ?? [])
    }

    /// Drift b(z) for a batch [B, n_z] → [B, n_z].
    public func driftValues(_ z: Tensor) -> Tensor { drift.forward(z) }

    /// Diffusion matrices σ(z) for a batch, [B, n_z × n_z] row-major.
    public func diffusionMatrices(_ z: Tensor) -> Tensor {
        let n = dimension, batch = z.batch
        switch diffusion {
        case .full(let network):
            return network.forward(z)
        case .diagonal(let network):
            return Self.diagonalMatrices(network.forward(z), n: n)
        case .constantDiagonal(let sigma):
            return Self.diagonalMatrices(Tensor(shape: [batch, n], data: (0..<batch).flatMap { _ in sigma.value.data }), n: n)
        case .constant(let sigma):
            return Tensor(shape: [batch, n * n], data: (0..<batch).flatMap { _ in sigma.value.data })
        }
    }

    /// Backward of `diffusionMatrices` (after a forward on the same batch): accumulates parameter gradients.
    func diffusionBackward(_ matrixGradient: Tensor) {
        let n = dimension, batch = matrixGradient.batch
        switch diffusion {
        case .full(let network):
            _ = network.backward(matrixGradient)
        case .diagonal(let network):
            _ = network.backward(Self.diagonals(matrixGradient, n: n))
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
