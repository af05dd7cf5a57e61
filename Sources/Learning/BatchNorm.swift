/// Batch normalisation over the channel axis (axis 1) of [N, C] (BatchNorm1d) or [N, C, H, W]
/// (BatchNorm2d) tensors, as PyTorch defines it: in training, normalise with the batch mean and
/// biased variance and update running averages (momentum 0.1, unbiased variance); in evaluation,
/// normalise with the running averages. `y = γ x̂ + β`, eps = 1e-5.
public final class BatchNorm: Layer {
    public let scale: Parameter
    public let shift: Parameter
    public let runningMean: Buffer
    public let runningVariance: Buffer
    public var isTraining = true
    public let momentum: Double
    public let epsilon: Double
    /// Normalised input and 1/√(σ² + eps) per channel, from the last forward.
    private var normalized = Tensor(zeros: [0])
    private var inverseStd: [Double] = []

    public init(_ channels: Int, momentum: Double = 0.1, epsilon: Double = 1e-5) {
        scale = Parameter("weight", Tensor(shape: [channels], data: [Float](repeating: 1, count: channels)))
        shift = Parameter("bias", Tensor(zeros: [channels]))
        runningMean = Buffer("running_mean", Tensor(zeros: [channels]))
        runningVariance = Buffer("running_var", Tensor(shape: [channels], data: [Float](repeating: 1, count: channels)))
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public var parameters: [Parameter] { [scale, shift] }
    public var buffers: [Buffer] { [runningMean, runningVariance] }
    var channels: Int { scale.value.count }

    /// Calls `body(channel, range)` for every contiguous run of one channel's values.
    private func forEachRun(_ shape: [Int], _ body: (Int, Range<Int>) -> Void) {
        let spatial = shape.dropFirst(2).reduce(1, *)
        for n in 0..<shape[0] {
            for c in 0..<channels {
                let start = (n * channels + c) * spatial
                body(c, start..<(start + spatial))
            }
        }
    }

    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.shape.count >= 2 && input.shape[1] == channels, "BatchNorm(\(channels)) got \(input.shape)")
        let perChannel = input.count / channels
        var mean = [Double](repeating: 0, count: channels), variance = [Double](repeating: 0, count: channels)
        if isTraining {
            forEachRun(input.shape) { c, range in for k in range { mean[c] += Double(input.data[k]) } }
            for c in 0..<channels { mean[c] /= Double(perChannel) }
            forEachRun(input.shape) { c, range in
                for k in range { variance[c] += (Double(input.data[k]) - mean[c]) * (Double(input.data[k]) - mean[c]) }
            }
            for c in 0..<channels {
                variance[c] /= Double(perChannel)
                let unbiased = perChannel > 1 ? variance[c] * Double(perChannel) / Double(perChannel - 1) : variance[c]
                runningMean.value.data[c] = Float((1 - momentum) * Double(runningMean.value.data[c]) + momentum * mean[c])
                runningVariance.value.data[c] = Float((1 - momentum) * Double(runningVariance.value.data[c]) + momentum * unbiased)
            }
        } else {
            mean = runningMean.value.data.map(Double.init)
            variance = runningVariance.value.data.map(Double.init)
        }
        inverseStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        normalized = Tensor(zeros: input.shape)
        var output = Tensor(zeros: input.shape)
        forEachRun(input.shape) { c, range in
            let gamma = scale.value.data[c], beta = shift.value.data[c]
            for k in range {
                let xhat = Float((Double(input.data[k]) - mean[c]) * inverseStd[c])
                normalized.data[k] = xhat
                output.data[k] = gamma * xhat + beta
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        let perChannel = Double(outputGradient.count / channels)
        var sumGradient = [Double](repeating: 0, count: channels), sumGradientXhat = [Double](repeating: 0, count: channels)
        forEachRun(outputGradient.shape) { c, range in
            for k in range {
                sumGradient[c] += Double(outputGradient.data[k])
                sumGradientXhat[c] += Double(outputGradient.data[k]) * Double(normalized.data[k])
            }
        }
        for c in 0..<channels {
            shift.gradient.data[c] += Float(sumGradient[c])
            scale.gradient.data[c] += Float(sumGradientXhat[c])
        }
        var inputGradient = Tensor(zeros: outputGradient.shape)
        forEachRun(outputGradient.shape) { c, range in
            let gamma = Double(scale.value.data[c])
            for k in range {
                let dy = Double(outputGradient.data[k])
                if isTraining {
                    // dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)), the batch statistics depending on x.
                    let centred = dy - sumGradient[c] / perChannel - Double(normalized.data[k]) * sumGradientXhat[c] / perChannel
                    inputGradient.data[k] = Float(gamma * inverseStd[c] * centred)
                } else {
                    inputGradient.data[k] = Float(gamma * inverseStd[c] * dy)
                }
            }
        }
        return inputGradient
    }
}
