import Foundation

/// Element-wise activation functions, each with its derivative written out.

/// max(0, x).
public final class ReLU: StatelessLayer, Layer {
    private var input = Tensor(zeros: [0])

    public func forward(_ input: Tensor) -> Tensor {
        self.input = input
        return Tensor(mapping: input) { max($0, 0) }
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        Tensor(combining: input, outputGradient) { $0 > 0 ? $1 : 0 }
    }
}

/// x for x > 0, αx otherwise.
public final class LeakyReLU: StatelessLayer, Layer {
    public let slope: Float
    private var input = Tensor(zeros: [0])

    public init(_ slope: Float = 0.01) {
        self.slope = slope
    }

    public func forward(_ input: Tensor) -> Tensor {
        self.input = input
        let slope = slope
        return Tensor(mapping: input) { $0 > 0 ? $0 : slope * $0 }
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        let slope = slope
        return Tensor(combining: input, outputGradient) { $0 > 0 ? $1 : slope * $1 }
    }
}

/// 1 / (1 + e^{−x}); derivative y(1 − y).
public final class Sigmoid: StatelessLayer, Layer {
    private var output = Tensor(zeros: [0])

    public func forward(_ input: Tensor) -> Tensor {
        output = Tensor(mapping: input) { 1 / (1 + exp(-$0)) }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        Tensor(combining: output, outputGradient) { $0 * (1 - $0) * $1 }
    }
}

/// tanh x; derivative 1 − y².
public final class Tanh: StatelessLayer, Layer {
    private var output = Tensor(zeros: [0])

    public func forward(_ input: Tensor) -> Tensor {
        output = Tensor(mapping: input) { tanh($0) }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        Tensor(combining: output, outputGradient) { (1 - $0 * $0) * $1 }
    }
}
