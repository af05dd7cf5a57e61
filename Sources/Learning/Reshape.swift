/// Reshapes every batch item to `itemShape` (Flatten is `Reshape([n])`, Unflatten `Reshape([c, h, w])`).
public final class Reshape: StatelessLayer, Layer {
    public let itemShape: [Int]
    private var inputShape: [Int] = []

    public init(_ itemShape: [Int]) {
        self.itemShape = itemShape
    }

    /// Flattens each item to one axis.
    public static func flatten(_ count: Int) -> Reshape { Reshape([count]) }

    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.itemCount == itemShape.reduce(1, *), "Reshape to \(itemShape) got items of \(input.itemCount) values")
        inputShape = input.shape
        return input.reshaped([input.batch] + itemShape)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        outputGradient.reshaped(inputShape)
    }
}
