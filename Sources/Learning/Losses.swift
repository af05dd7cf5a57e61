import Foundation

/// Loss functions: the mean loss over all elements and its gradient with respect to the prediction.
public enum Loss {
    /// Mean squared error: mean (p − t)²; gradient 2(p − t)/n.
    public static func meanSquaredError(_ prediction: Tensor, _ target: Tensor) -> (loss: Double, gradient: Tensor) {
        precondition(prediction.shape == target.shape, "MSE: shapes \(prediction.shape) and \(target.shape) differ")
        let n = Double(prediction.count)
        var sum = 0.0
        var gradient = Tensor(zeros: prediction.shape)
        for k in 0..<prediction.count {
            let difference = Double(prediction.data[k]) - Double(target.data[k])
            sum += difference * difference
            gradient.data[k] = Float(2 * difference / n)
        }
        return (sum / n, gradient)
    }

    /// Binary cross-entropy on probabilities: mean −[t log p + (1 − t) log(1 − p)], with each log
    /// clamped at −100 as PyTorch does, so p = 0 or 1 gives a finite loss. The gradient,
    /// (p − t)/(p(1 − p))/n, is taken with p kept 1e-12 away from 0 and 1.
    public static func binaryCrossEntropy(_ prediction: Tensor, _ target: Tensor) -> (loss: Double, gradient: Tensor) {
        precondition(prediction.shape == target.shape, "BCE: shapes \(prediction.shape) and \(target.shape) differ")
        let n = Double(prediction.count)
        var sum = 0.0
        var gradient = Tensor(zeros: prediction.shape)
        for k in 0..<prediction.count {
            let p = Double(prediction.data[k]), t = Double(target.data[k])
            sum -= t * max(log(p), -100) + (1 - t) * max(log(1 - p), -100)
            let safe = min(max(p, 1e-12), 1 - 1e-12)
            gradient.data[k] = Float((safe - t) / (safe * (1 - safe)) / n)
        }
        return (sum / n, gradient)
    }
}
