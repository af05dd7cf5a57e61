import Foundation

/// Adam and AdamW, with the AMSGrad variant, updating a fixed list of parameters (PyTorch's
/// `torch.optim.Adam` / `AdamW` update rules).
///
///     m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,  v̂ ← max(v̂, v) (AMSGrad) or v
///     p ← p − lr · (m / (1 − β₁ᵗ)) / (√v̂ / √(1 − β₂ᵗ) + eps)
///
/// Weight decay is added to the gradient (Adam, L2) or applied to the parameter before the step,
/// p ← p(1 − lr·wd) (AdamW, decoupled).
public final class Adam {
    public enum WeightDecay: Sendable, Equatable {
        /// Adam: g ← g + wd·p.
        case l2(Double)
        /// AdamW: p ← p(1 − lr·wd).
        case decoupled(Double)
    }

    public let parameters: [Parameter]
    public var learningRate: Double
    public let betas: (Double, Double)
    public let epsilon: Double
    public let weightDecay: WeightDecay
    public let amsgrad: Bool
    private var stepCount = 0
    private var firstMoment: [[Double]]
    private var secondMoment: [[Double]]
    private var maxSecondMoment: [[Double]]

    public init(_ parameters: [Parameter], learningRate: Double, betas: (Double, Double) = (0.9, 0.999), epsilon: Double = 1e-8,
                weightDecay: WeightDecay = .l2(0), amsgrad: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.betas = betas
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        firstMoment = parameters.map { [Double](repeating: 0, count: $0.value.count) }
        secondMoment = firstMoment
        maxSecondMoment = amsgrad ? firstMoment : []
    }

    /// Zeroes every parameter's gradient.
    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }

    /// Applies one update from the accumulated gradients.
    public func step() {
        stepCount += 1
        let (beta1, beta2) = betas
        let correction1 = 1 - pow(beta1, Double(stepCount)), correction2 = 1 - pow(beta2, Double(stepCount))
        let (l2, decoupled): (Double, Double) = switch weightDecay {
        case .l2(let decay): (decay, 0)
        case .decoupled(let decay): (0, decay)
        }
        for (index, parameter) in parameters.enumerated() {
            // The moments move out of the optimizer and the values out of the parameter while they
            // are updated, so the loop works on local arrays (no copy, no per-element access checks).
            var m = take(&firstMoment[index]), v = take(&secondMoment[index]), vMax = amsgrad ? take(&maxSecondMoment[index]) : []
            var values = take(&parameter.value.data)
            let gradients = parameter.gradient.data
            for k in 0..<values.count {
                var p = Double(values[k])
                let g = Double(gradients[k]) + l2 * p
                p *= 1 - learningRate * decoupled
                m[k] = beta1 * m[k] + (1 - beta1) * g
                v[k] = beta2 * v[k] + (1 - beta2) * g * g
                var second = v[k]
                if amsgrad {
                    vMax[k] = max(vMax[k], second)
                    second = vMax[k]
                }
                let denominator = second.squareRoot() / correction2.squareRoot() + epsilon
                p -= learningRate / correction1 * m[k] / denominator
                values[k] = Float(p)
            }
            firstMoment[index] = m
            secondMoment[index] = v
            if amsgrad { maxSecondMoment[index] = vMax }
            parameter.value.data = values
        }
    }

    /// The contents of `array`, leaving it empty.
    private func take<Element>(_ array: inout [Element]) -> [Element] {
        var taken: [Element] = []
        swap(&taken, &array)
        return taken
    }
}
