/// Averages groups of `groupSize` consecutive batch items: [B·K, …] → [B, …]. Used to average a
/// per-patch encoder's outputs over the K patches of each configuration; the gradient of every
/// patch is the group's gradient divided by K.
public final class PatchAverage: StatelessLayer, Layer {
    public let groupSize: Int
    private var inputShape: [Int] = []

    public init(groupSize: Int) {
        self.groupSize = groupSize
    }

    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.batch % groupSize == 0, "PatchAverage(\(groupSize)) got a batch of \(input.batch)")
        inputShape = input.shape
        let size = input.itemCount, groups = input.batch / groupSize
        var output = Tensor(zeros: [groups] + input.shape.dropFirst())
        let scale = 1 / Float(groupSize)
        for item in 0..<input.batch {
            let group = item / groupSize
            for k in 0..<size { output.data[group * size + k] += scale * input.data[item * size + k] }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        var inputGradient = Tensor(zeros: inputShape)
        let size = outputGradient.itemCount, scale = 1 / Float(groupSize)
        for item in 0..<inputShape[0] {
            let group = item / groupSize
            for k in 0..<size { inputGradient.data[item * size + k] = scale * outputGradient.data[group * size + k] }
        }
        return inputGradient
    }
}
