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

    /// Per-channel sums of `f(channel, value)` over the batch and spatial positions, in Double.
    private func channelSums(_ x: UnsafeBufferPointer<Float>, spatial: Int, _ f: (Int, Float) -> Double) -> [Double] {
        var sums = [Double](repeating: 0, count: channels)
        for run in 0..<(x.count / spatial) {
            let c = run % channels, start = run * spatial
            var sum = 0.0
            for k in start..<(start + spatial) { sum += f(c, x[k]) }
            sums[c] += sum
        }
        return sums
    }

    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.shape.count >= 2 && input.shape[1] == channels, "BatchNorm(\(channels)) got \(input.shape)")
        let spatial = input.shape.dropFirst(2).reduce(1, *), perChannel = input.count / channels
        var mean: [Double], variance: [Double]
        if isTraining {
            mean = input.data.withUnsafeBufferPointer { x in channelSums(x, spatial: spatial) { _, value in Double(value) } }
                .map { $0 / Double(perChannel) }
            let centre = mean
            variance = input.data.withUnsafeBufferPointer { x in
                channelSums(x, spatial: spatial) { c, value in (Double(value) - centre[c]) * (Double(value) - centre[c]) }
            }.map { $0 / Double(perChannel) }
            for c in 0..<channels {
                let unbiased = perChannel > 1 ? variance[c] * Double(perChannel) / Double(perChannel - 1) : variance[c]
                runningMean.value.data[c] = Float((1 - momentum) * Double(runningMean.value.data[c]) + momentum * mean[c])
                runningVariance.value.data[c] = Float((1 - momentum) * Double(runningVariance.value.data[c]) + momentum * unbiased)
            }
        } else {
            mean = runningMean.value.data.map(Double.init)
            variance = runningVariance.value.data.map(Double.init)
        }
        inverseStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        let centre = mean.map(Float.init), inverse = inverseStd.map(Float.init)
        let gamma = scale.value.data, beta = shift.value.data
        var xhat = [Float](repeating: 0, count: input.count)
        let output = Tensor(shape: input.shape) { out in
            input.data.withUnsafeBufferPointer { x in
                xhat.withUnsafeMutableBufferPointer { normalized in
                    for run in 0..<(input.count / spatial) {
                        let c = run % channels, start = run * spatial
                        for k in start..<(start + spatial) {
                            let value = (x[k] - centre[c]) * inverse[c]
                            normalized[k] = value
                            out[k] = gamma[c] * value + beta[c]
                        }
                    }
                }
            }
        }
        normalized = Tensor(shape: input.shape, data: xhat)
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        let spatial = outputGradient.shape.dropFirst(2).reduce(1, *), perChannel = Double(outputGradient.count / channels)
        var sumGradient = [Double](repeating: 0, count: channels), sumGradientXhat = [Double](repeating: 0, count: channels)
        outputGradient.data.withUnsafeBufferPointer { dy in
            normalized.data.withUnsafeBufferPointer { xhat in
                for run in 0..<(dy.count / spatial) {
                    let c = run % channels, start = run * spatial
                    var sum = 0.0, sumXhat = 0.0
                    for k in start..<(start + spatial) {
                        sum += Double(dy[k])
                        sumXhat += Double(dy[k]) * Double(xhat[k])
                    }
                    sumGradient[c] += sum
                    sumGradientXhat[c] += sumXhat
                }
            }
        }
        for c in 0..<channels {
            shift.gradient.data[c] += Float(sumGradient[c])
            scale.gradient.data[c] += Float(sumGradientXhat[c])
        }
        // Training: dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)), the batch statistics depending on x.
        // Evaluation: dx = γ/σ · dy.
        let factor = (0..<channels).map { Float(Double(scale.value.data[$0]) * inverseStd[$0]) }
        let meanGradient = sumGradient.map { isTraining ? Float($0 / perChannel) : 0 }
        let meanGradientXhat = sumGradientXhat.map { isTraining ? Float($0 / perChannel) : 0 }
        return Tensor(shape: outputGradient.shape) { dx in
            outputGradient.data.withUnsafeBufferPointer { dy in
                normalized.data.withUnsafeBufferPointer { xhat in
                    for run in 0..<(dy.count / spatial) {
                        let c = run % channels, start = run * spatial
                        for k in start..<(start + spatial) {
                            dx[k] = factor[c] * (dy[k] - meanGradient[c] - xhat[k] * meanGradientXhat[c])
                        }
                    }
                }
            }
        }
    }
}
