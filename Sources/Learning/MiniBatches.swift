import Random

/// Index batches for one epoch: a shuffle of 0..<count from the given stream, cut into batches.
public func miniBatches(count: Int, batchSize: Int, dropLast: Bool = false, random: RandomStream) -> [[Int]] {
    precondition(batchSize >= 1, "batch size must be at least 1")
    var order = Array(0..<count)
    random.shuffle(&order)
    var batches = Swift.stride(from: 0, to: count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, count)]) }
    if dropLast, let last = batches.last, last.count < batchSize { batches.removeLast() }
    return batches
}

extension Tensor {
    /// The batch items at `indices`, in that order.
    public func gathering(_ indices: [Int]) -> Tensor {
        let size = itemCount
        var result = Tensor(zeros: [indices.count] + shape.dropFirst())
        for (row, index) in indices.enumerated() {
            result.data.replaceSubrange((row * size)..<((row + 1) * size), with: data[(index * size)..<((index + 1) * size)])
        }
        return result
    }
}
