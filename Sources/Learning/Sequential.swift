/// Layers applied one after another; backward runs them in reverse.
/// In checkpoints, state is named `<index>.<name>` as PyTorch's `nn.Sequential` names it.
public final class Sequential: Layer {
    public let layers: [Layer]

    public init(_ layers: [Layer]) {
        self.layers = layers
    }

    public var isTraining: Bool {
        get { layers.first?.isTraining ?? true }
        set { for layer in layers { layer.isTraining = newValue } }
    }

    public func forward(_ input: Tensor) -> Tensor {
        layers.reduce(input) { $1.forward($0) }
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        layers.reversed().reduce(outputGradient) { $1.backward($0) }
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public var buffers: [Buffer] { layers.flatMap(\.buffers) }

    /// State named `<index>.<name>` through any depth of nesting.
    var namedState: [(name: String, tensor: StateTensor)] {
        layers.enumerated().flatMap { index, layer in layer.state.map { ("\(index).\($0.name)", $0.tensor) } }
    }
}
