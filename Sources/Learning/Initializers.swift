import Random

/// Weight initialisers.
public enum Initializer {
    /// Xavier (Glorot) uniform: U(−a, a) with a = gain · √(6 / (fanIn + fanOut)).
    public static func xavierUniform(shape: [Int], fanIn: Int, fanOut: Int, gain: Double = 1, random: RandomStream) -> Tensor {
        let bound = gain * (6 / Double(fanIn + fanOut)).squareRoot()
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(random.uniform(-bound, bound)) })
    }

    /// Normal with mean 0 and standard deviation `std` (the reference's N(0, 0.02) for the Ising autoencoder).
    public static func normal(shape: [Int], std: Double = 0.02, random: RandomStream) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(random.gaussian(sigma: std)) })
    }
}

/// How a layer's weights start.
public enum WeightInitialization: Sendable {
    /// Xavier-uniform over the layer's fan-in and fan-out (the default).
    case xavierUniform
    /// N(0, std²).
    case normal(std: Double)

    func make(shape: [Int], fanIn: Int, fanOut: Int, random: RandomStream) -> Tensor {
        switch self {
        case .xavierUniform: return Initializer.xavierUniform(shape: shape, fanIn: fanIn, fanOut: fanOut, random: random)
        case .normal(let std): return Initializer.normal(shape: shape, std: std, random: random)
        }
    }
}
