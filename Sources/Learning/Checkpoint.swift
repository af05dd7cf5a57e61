import Artifacts
import Foundation

/// Saving and loading a model's parameters and buffers as a safetensors file.
public enum Checkpoint {
    /// Writes every state tensor of `model` (as Float32), plus `extra` arrays and `metadata`, to `url`.
    public static func save(_ model: Layer, extra: [SafeTensors.Entry] = [], metadata: [String: String] = [:], to url: URL) throws {
        try save(state: model.state, extra: extra, metadata: metadata, to: url)
    }

    /// Loads `url` into `model`; see `load(state:from:)`.
    @discardableResult
    public static func load(_ model: Layer, from url: URL) throws -> (extra: [SafeTensors.Entry], metadata: [String: String]) {
        try load(state: model.state, from: url)
    }

    /// Writes named state tensors (as Float32), plus `extra` arrays and `metadata`, to `url`.
    public static func save(state model: [(name: String, tensor: StateTensor)], extra: [SafeTensors.Entry] = [],
                            metadata: [String: String] = [:], to url: URL) throws {
        let state = try model.map { name, tensor in
            SafeTensors.Entry(name, try NumPyArray(tensor.value.data, shape: tensor.value.shape))
        }
        try SafeTensors.write(state + extra, metadata: metadata, to: url)
    }

    /// Loads `url` into the named state tensors: every one must be present with the same shape;
    /// returns the file's other arrays and its metadata. Nothing is changed if anything does not match.
    @discardableResult
    public static func load(state: [(name: String, tensor: StateTensor)], from url: URL) throws -> (extra: [SafeTensors.Entry], metadata: [String: String]) {
        let (entries, metadata) = try SafeTensors.read(url)
        let byName = Dictionary(entries.map { ($0.name, $0.array) }, uniquingKeysWith: { first, _ in first })
        var values: [Tensor] = []
        for (name, tensor) in state {
            guard let array = byName[name] else {
                throw ArtifactError(url.path, "checkpoint has no tensor '\(name)' (it has: \(entries.map(\.name).joined(separator: ", ")))")
            }
            guard array.shape == tensor.value.shape else {
                throw ArtifactError(url.path, "tensor '\(name)' has shape \(array.shape) in the checkpoint but \(tensor.value.shape) in the model")
            }
            guard array.dtype == .float32 else {
                throw ArtifactError(url.path, "tensor '\(name)' is \(array.dtype.numpyName), expected float32")
            }
            values.append(Tensor(shape: array.shape, data: try array.elements(as: Float.self)))
        }
        for ((_, tensor), value) in zip(state, values) { tensor.value = value }
        let stateNames = Set(state.map(\.name))
        return (entries.filter { !stateNames.contains($0.name) }, metadata)
    }
}
