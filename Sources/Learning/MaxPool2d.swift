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
        var winnerIndices = [Int](repeating: 0, count: planes * outH * outW)
        let output = Tensor(shape: [input.shape[0], input.shape[1], outH, outW]) { out in
            input.data.withUnsafeBufferPointer { x in
                winnerIndices.withUnsafeMutableBufferPointer { winners in
                    for plane in 0..<planes {
                        for oy in 0..<outH {
                            let top = plane * height * width + 2 * oy * width
                            for ox in 0..<outW {
                                // The first maximum of the window (top-left, top-right, bottom-left, bottom-right).
                                var best = top + 2 * ox
                                if x[top + 2 * ox + 1] > x[best] { best = top + 2 * ox + 1 }
                                if x[top + width + 2 * ox] > x[best] { best = top + width + 2 * ox }
                                if x[top + width + 2 * ox + 1] > x[best] { best = top + width + 2 * ox + 1 }
                                let o = (plane * outH + oy) * outW + ox
                                out[o] = x[best]
                                winners[o] = best
                            }
                        }
                    }
                }
            }
        }
        winners = winnerIndices
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        var inputGradient = Tensor(zeros: inputShape)
        inputGradient.data.withUnsafeMutableBufferPointer { dx in
            outputGradient.data.withUnsafeBufferPointer { dy in
                winners.withUnsafeBufferPointer { winners in
                    for o in 0..<winners.count { dx[winners[o]] += dy[o] }
                }
            }
        }
        return inputGradient
    }
}
