/// A trainable tensor and the gradient accumulated into it by backward passes.
public final class Parameter {
    /// Its name within its layer (`weight`, `bias`, …); containers prefix their layers' index.
    public let name: String
    public var value: Tensor
    /// ∂loss/∂value, accumulated (+=) by every backward pass until `zeroGradient()`.
    public var gradient: Tensor

    public init(_ name: String, _ value: Tensor) {
        self.name = name
        self.value = value
        gradient = Tensor(zeros: value.shape)
    }

    /// Resets the accumulated gradient to zero.
    public func zeroGradient() {
        for i in gradient.data.indices { gradient.data[i] = 0 }
    }
}

/// A non-trainable tensor that belongs to a model's state (BatchNorm running statistics,
/// latent normalisation) and is saved with it.
public final class Buffer {
    /// Its name within its layer (`running_mean`, …).
    public let name: String
    public var value: Tensor

    public init(_ name: String, _ value: Tensor) {
        self.name = name
        self.value = value
    }
}
