import Artifacts
import Learning
import Random

/// The macroscopic SDE dz = b(z) dt + σ(z) dW: a drift MLP and a diffusion parametrised by `mode`.
public final class SDEModel {
    public let dimension: Int
    public let mode: DiffusionMode
    /// b: n_z → n_z.
    public let drift: Sequential
    /// σ for the z-dependent modes (an MLP), or a single learned parameter for the constant ones.
    let diffusionNetwork: Sequential?
    let diffusionConstant: Parameter?

    /// A model with the given hidden widths (reference: 64, 64, 64) and ReLU activations.
    public init(dimension: Int, mode: DiffusionMode, hidden: [Int] = [64, 64, 64],
                constantStart: ConstantDiffusionStart = .ones, random: RandomStream) {
        self.dimension = dimension
        self.mode = mode
        drift = Architectures.multilayerPerceptron([dimension] + hidden + [dimension], random: random)
        switch mode {
        case .arbitrary:
            diffusionNetwork = Architectures.multilayerPerceptron([dimension] + hidden + [dimension * dimension], random: random)
            diffusionConstant = nil
        case .diagonal:
            diffusionNetwork = Architectures.multilayerPerceptron([dimension] + hidden + [dimension], random: random)
            diffusionConstant = nil
        case .constantDiagonal:
            diffusionNetwork = nil
            diffusionConstant = Parameter("sigma", Tensor(shape: [dimension], data: [Float](repeating: 1, count: dimension)))
        case .constant:
            diffusionNetwork = nil
            let start = (0..<(dimension * dimension)).map { k -> Float in
                constantStart == .ones || k / dimension == k % dimension ? 1 : 0
            }
            diffusionConstant = Parameter("sigma", Tensor(shape: [dimension, dimension], data: start))
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
        switch mode {
        case .arbitrary:
            return diffusionNetwork!.forward(z)
        case .diagonal:
            return Self.diagonalMatrices(diffusionNetwork!.forward(z), n: n)
        case .constantDiagonal:
            return Self.diagonalMatrices(Tensor(shape: [batch, n], data: (0..<batch).flatMap { _ in diffusionConstant!.value.data }), n: n)
        case .constant:
            return Tensor(shape: [batch, n * n], data: (0..<batch).flatMap { _ in diffusionConstant!.value.data })
        }
    }

    /// Backward of `diffusionMatrices` (after a forward on the same batch): accumulates parameter gradients.
    func diffusionBackward(_ matrixGradient: Tensor) {
        let n = dimension, batch = matrixGradient.batch
        switch mode {
        case .arbitrary:
            _ = diffusionNetwork!.backward(matrixGradient)
        case .diagonal:
            _ = diffusionNetwork!.backward(Self.diagonals(matrixGradient, n: n))
        case .constantDiagonal:
            let diagonal = Self.diagonals(matrixGradient, n: n)
            for row in 0..<batch {
                for i in 0..<n { diffusionConstant!.gradient.data[i] += diagonal.data[row * n + i] }
            }
        case .constant:
            for row in 0..<batch {
                for k in 0..<(n * n) { diffusionConstant!.gradient.data[k] += matrixGradient.data[row * n * n + k] }
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
