import Foundation

/// Loss functions: the mean loss over all elements and its gradient with respect to the prediction.
public enum Loss {
    /// Mean squared error: mean (p − t)²; gradient 2(p − t)/n.
    public static func meanSquaredError(_ prediction: Tensor, _ target: Tensor) -> (loss: Double, gradient: Tensor) {
        mean(prediction, target) { p, t in ((p - t) * (p - t), 2 * (p - t)) }
    }

    /// Binary cross-entropy on probabilities: mean −[t log p + (1 − t) log(1 − p)], with each log
    /// clamped at −100 as PyTorch does, so p = 0 or 1 gives a finite loss. The gradient,
    /// (p − t)/(p(1 − p))/n, is taken with p kept 1e-12 away from 0 and 1.
    public static func binaryCrossEntropy(_ prediction: Tensor, _ target: Tensor) -> (loss: Double, gradient: Tensor) {
        mean(prediction, target) { p, t in
            let safe = min(max(p, 1e-12), 1 - 1e-12)
            return (-(t * max(log(p), -100) + (1 - t) * max(log(1 - p), -100)), (safe - t) / (safe * (1 - safe)))
        }
    }

    /// The mean over elements of a per-element loss, and its gradient: `element(p, t)` returns the
    /// element's loss and its derivative with respect to p (in Double).
    private static func mean(_ prediction: Tensor, _ target: Tensor,
                             _ element: (Double, Double) -> (loss: Double, derivative: Double)) -> (loss: Double, gradient: Tensor) {
        precondition(prediction.shape == target.shape, "loss: shapes \(prediction.shape) and \(target.shape) differ")
        let n = Double(prediction.count)
        var sum = 0.0
        let gradient = Tensor(shape: prediction.shape) { out in
            for k in 0..<prediction.count {
                let (loss, derivative) = element(Double(prediction.data[k]), Double(target.data[k]))
                sum += loss
                out[k] = Float(derivative / n)
            }
        }
        return (sum / n, gradient)
    }
}
