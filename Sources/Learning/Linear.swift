import Random

/// Fully connected layer `y = x Wᵀ + b` with W of shape [out, in] (PyTorch's layout), on [batch, in].
public final class Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public var isTraining = true
    private var input = Tensor(zeros: [0])

    /// A layer with weights drawn by `initialization` (Xavier-uniform by default) and zero bias.
    public init(_ inputs: Int, _ outputs: Int, initialization: WeightInitialization = .xavierUniform, random: RandomStream) {
        weight = Parameter("weight", initialization.make(shape: [outputs, inputs], fanIn: inputs, fanOut: outputs, random: random))
        bias = Parameter("bias", Tensor(zeros: [outputs]))
    }

    public var parameters: [Parameter] { [weight, bias] }
    var inputs: Int { weight.value.shape[1] }
    var outputs: Int { weight.value.shape[0] }

    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.itemCount == inputs, "Linear(\(inputs), \(outputs)) got items of \(input.itemCount) values")
        self.input = input
        let batch = input.batch
        // y[b, o] = b[o] + Σ_i x[b, i] W[o, i]
        var rows: [Float] = []
        rows.reserveCapacity(batch * outputs)
        for _ in 0..<batch { rows += bias.value.data }
        var output = Tensor(shape: [batch, outputs], data: rows)
        MatrixProducts.gemm(input.data, weight.value.data, transposeB: true, into: &output.data,
                            m: batch, n: outputs, k: inputs, beta: 1)
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        let batch = input.batch
        // ∂W[o, i] += Σ_b dy[b, o] x[b, i];  ∂b[o] += Σ_b dy[b, o];  dx[b, i] = Σ_o dy[b, o] W[o, i]
        MatrixProducts.gemm(outputGradient.data, input.data, transposeA: true, into: &weight.gradient.data,
                            m: outputs, n: inputs, k: batch, beta: 1)
        // Summed in a local array: per-element access to the parameter's storage is checked each time.
        var biasGradient = bias.gradient.data
        let dy = outputGradient.data
        for row in 0..<batch {
            for o in 0..<outputs { biasGradient[o] += dy[row * outputs + o] }
        }
        bias.gradient.data = biasGradient
        var inputGradient = Tensor(zeros: input.shape)
        MatrixProducts.gemm(outputGradient.data, weight.value.data, into: &inputGradient.data, m: batch, n: inputs, k: outputs)
        return inputGradient
    }
}
