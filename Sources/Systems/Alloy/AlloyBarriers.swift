import Artifacts
import Foundation

/// Which barrier model drives an alloy's vacancy hops, as its configuration names it (Docs/SYSTEMS.md, *NbMoTa alloy*).
public enum AlloyBarriers: Sendable {
    /// The built-in pair model, `PairBarrierModel.illustrative` (`barriers=pair`, the default).
    case pair(PairBarrierModel)
    /// The pair model with the parameters of the JSON file at `path` (`barriers=pair
    /// pairParameters=PATH`), with the file's SHA-256.
    case pairFile(PairBarrierModel, path: String, sha256: String)
    /// The NNK network read from the `.npz` file at `path` (`barriers=nnk nnkWeights=PATH`), with
    /// the file's SHA-256 so that a manifest names the weights it was made with.
    case nnk(NNKBarrierModel, path: String, sha256: String)

    /// The network read from the file at `path`.
    public static func nnk(contentsOf path: String) throws -> AlloyBarriers {
        let url = URL(fileURLWithPath: path)
        return .nnk(try NNKBarrierModel(contentsOf: url), path: path, sha256: try SHA256.hex(fileAt: url))
    }

    /// The pair model with the parameters of the JSON file at `path` (`PairBarrierModel.init(parameters:source:)`).
    public static func pair(contentsOf path: String) throws -> AlloyBarriers {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return .pairFile(try PairBarrierModel(parameters: data, source: path), path: path, sha256: SHA256.hex(data))
    }

    /// The choice a configuration records: `barriers` (`pair` or `nnk`); for `pair` optionally the
    /// `pairParameters` file, for `nnk` the `nnkWeights` file, each with, when recorded, the file's
    /// SHA-256 (`pairParametersSHA256`, `nnkWeightsSHA256`), which must still match.
    init(configuration: SystemConfiguration) throws {
        switch try configuration.string("barriers", default: "pair") {
        case "pair":
            guard configuration.values["pairParameters"] != nil else { self = .pair(.illustrative); return }
            self = try .pair(contentsOf: configuration.string("pairParameters"))
        case "nnk":
            self = try .nnk(contentsOf: configuration.string("nnkWeights"))
        case let other:
            throw ConfigurationError("'barriers' must be pair or nnk, got '\(other)'")
        }
        for (key, file) in [("pairParametersSHA256", "pairParameters"), ("nnkWeightsSHA256", "nnkWeights")] where configuration.values[key] != nil {
            let recorded = try configuration.string(key)
            let digest: String? = if case .string(let value)? = self.configuration[key] { value } else { nil }
            guard digest == recorded else {
                let actual = digest ?? "none"
                throw ConfigurationError("the \(file) file \((try? configuration.string(file)) ?? "") has SHA-256 \(actual), not the recorded \(recorded)")
            }
        }
    }

    /// The model itself.
    public var model: any HopBarrierModel {
        switch self {
        case .pair(let model), .pairFile(let model, _, _): return model
        case .nnk(let model, _, _): return model
        }
    }

    /// The entries a configuration records.
    var configuration: [String: JSONValue] {
        switch self {
        case .pair: return ["barriers": .string("pair")]
        case .pairFile(_, let path, let digest): return ["barriers": .string("pair"), "pairParameters": .string(path), "pairParametersSHA256": .string(digest)]
        case .nnk(_, let path, let digest): return ["barriers": .string("nnk"), "nnkWeights": .string(path), "nnkWeightsSHA256": .string(digest)]
        }
    }
}
