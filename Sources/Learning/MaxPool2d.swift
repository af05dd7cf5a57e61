/// 2 × 2 max pooling with stride 2 on NCHW tensors (odd trailing rows and columns are dropped).
public final class MaxPool2d: StatelessLayer, Layer {
    private var inputShape: [Int] = []
    /// For every output element, the flat index of the input element that won.
    private var winners: [Int] = []

    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.shape.count == 4, "MaxPool2d expects [N, C, H, W], got \(input.shape)")
        inputShape = input.shape
        let (planes, height, width) = (input.shape[0] * input.shape[1], input.shape[2], input.shape[3])
        let outH = height / 2, outW = width / 2
        var output = Tensor(zeros: [input.shape[0], input.shape[1], outH, outW])
        winners = [Int](repeating: 0, count: output.count)
        for plane in 0..<planes {
            for oy in 0..<outH {
                for ox in 0..<outW {
                    var best = plane * height * width + (2 * oy) * width + 2 * ox
                    for (dy, dx) in [(0, 1), (1, 0), (1, 1)] {
                        let candidate = plane * height * width + (2 * oy + dy) * width + 2 * ox + dx
                        if input.data[candidate] > input.data[best] { best = candidate }
                    }
                    let o = (plane * outH + oy) * outW + ox
                    output.data[o] = input.data[best]
                    winners[o] = best
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        var inputGradient = Tensor(zeros: inputShape)
        for (o, winner) in winners.enumerated() { inputGradient.data[winner] += outputGradient.data[o] }
        return inputGradient
    }
}
