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

    /// Per-channel sums of `term(channel, flat index)` over the `count` elements of an [N, C, …]
    /// tensor, in Double: every (image, channel) plane summed on its own (planes in parallel), then
    /// the planes added in order.
    private func channelSums(count: Int, spatial: Int, _ term: (_ channel: Int, _ index: Int) -> Double) -> [Double] {
        let planes = count / spatial, channels = channels
        var planeSums = [Double](repeating: 0, count: planes)
        planeSums.withUnsafeMutableBufferPointer { planeSums in
            forEachChunk(planes, cost: spatial) { range in
                for plane in range {
                    let c = plane % channels, start = plane * spatial
                    var sum = 0.0
                    for k in start..<(start + spatial) { sum += term(c, k) }
                    planeSums[plane] = sum
                }
            }
        }
        var sums = [Double](repeating: 0, count: channels)
        for plane in 0..<planes { sums[plane % channels] += planeSums[plane] }
        return sums
    }

    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.shape.count >= 2 && input.shape[1] == channels, "BatchNorm(\(channels)) got \(input.shape)")
        let spatial = input.shape.dropFirst(2).reduce(1, *), perChannel = input.count / channels
        var mean: [Double], variance: [Double]
        if isTraining {
            mean = input.data.withUnsafeBufferPointer { x in channelSums(count: x.count, spatial: spatial) { _, k in Double(x[k]) } }
                .map { $0 / Double(perChannel) }
            let centre = mean
            variance = input.data.withUnsafeBufferPointer { x in
                channelSums(count: x.count, spatial: spatial) { c, k in (Double(x[k]) - centre[c]) * (Double(x[k]) - centre[c]) }
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
                    forEachChunk(input.count / spatial, cost: spatial) { planes in
                        for plane in planes {
                            let c = plane % channels, start = plane * spatial
                            for k in start..<(start + spatial) {
                                let value = (x[k] - centre[c]) * inverse[c]
                                normalized[k] = value
                                out[k] = gamma[c] * value + beta[c]
                            }
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
        let (sumGradient, sumGradientXhat) = outputGradient.data.withUnsafeBufferPointer { dy in
            normalized.data.withUnsafeBufferPointer { xhat in
                (channelSums(count: dy.count, spatial: spatial) { _, k in Double(dy[k]) },
                 channelSums(count: dy.count, spatial: spatial) { _, k in Double(dy[k]) * Double(xhat[k]) })
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
                    forEachChunk(dy.count / spatial, cost: spatial) { planes in
                        for plane in planes {
                            let c = plane % channels, start = plane * spatial
                            for k in start..<(start + spatial) {
                                dx[k] = factor[c] * (dy[k] - meanGradient[c] - xhat[k] * meanGradientXhat[c])
                            }
                        }
                    }
                }
            }
        }
    }
}
