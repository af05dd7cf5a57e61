/// A differentiable layer with an explicit backward pass.
///
/// `forward` computes the output and keeps whatever `backward` will need; `backward` takes
/// ∂loss/∂output of that same forward call, accumulates ∂loss/∂parameter into the parameters'
/// gradients and returns ∂loss/∂input. To add a layer, read `Linear` top to bottom.
public protocol Layer: AnyObject {
    /// The output for `input`, remembering what `backward` needs.
    func forward(_ input: Tensor) -> Tensor
    /// ∂loss/∂input from ∂loss/∂output of the last `forward`; accumulates parameter gradients.
    func backward(_ outputGradient: Tensor) -> Tensor
    /// Trainable tensors, in a fixed order.
    var parameters: [Parameter] { get }
    /// Saved non-trainable state, in a fixed order.
    var buffers: [Buffer] { get }
    /// Training mode (batch statistics) or evaluation mode (running statistics).
    var isTraining: Bool { get set }
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var buffers: [Buffer] { [] }

    /// Every trainable and saved tensor with its full name, as checkpoints store them.
    public var state: [(name: String, tensor: StateTensor)] {
        (self as? Sequential)?.namedState ?? parameters.map { ($0.name, .parameter($0)) } + buffers.map { ($0.name, .buffer($0)) }
    }
}

/// A tensor of a model's state: a parameter or a buffer.
public enum StateTensor {
    case parameter(Parameter)
    case buffer(Buffer)

    /// The current value.
    public var value: Tensor {
        get {
            switch self {
            case .parameter(let p): return p.value
            case .buffer(let b): return b.value
            }
        }
        nonmutating set {
            switch self {
            case .parameter(let p): p.value = newValue
            case .buffer(let b): b.value = newValue
            }
        }
    }
}

/// Layers without parameters or mode-dependent behaviour.
public class StatelessLayer {
    public var isTraining = true
    public init() {}
}
