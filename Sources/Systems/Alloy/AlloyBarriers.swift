import Artifacts
import Foundation

/// Which barrier model drives an alloy's vacancy hops, as its configuration names it (Docs/SYSTEMS.md, *NbMoTa alloy*).
public enum AlloyBarriers: Sendable {
    /// The built-in pair model, `PairBarrierModel.illustrative` (`barriers=pair`, the default).
    case pair(PairBarrierModel)
    /// The NNK network read from the `.npz` file at `path` (`barriers=nnk nnkWeights=PATH`), with
    /// the file's SHA-256 so that a manifest names the weights it was made with.
    case nnk(NNKBarrierModel, path: String, sha256: String)

    /// The network read from the file at `path`.
    public static func nnk(contentsOf path: String) throws -> AlloyBarriers {
        let url = URL(fileURLWithPath: path)
        return .nnk(try NNKBarrierModel(contentsOf: url), path: path, sha256: try SHA256.hex(fileAt: url))
    }

    /// The choice a configuration records: `barriers` (`pair` or `nnk`), and for `nnk` the
    /// `nnkWeights` path and, when recorded, the file's `nnkWeightsSHA256`, which must still match.
    init(configuration: SystemConfiguration) throws {
        switch try configuration.string("barriers", default: "pair") {
        case "pair":
            self = .pair(.illustrative)
        case "nnk":
            let path = try configuration.string("nnkWeights")
            self = try .nnk(contentsOf: path)
            if configuration.values["nnkWeightsSHA256"] != nil, case .nnk(_, _, let digest) = self {
                let recorded = try configuration.string("nnkWeightsSHA256")
                guard recorded == digest else {
                    throw ConfigurationError("the NNK weights at \(path) have SHA-256 \(digest), not the recorded \(recorded)")
                }
            }
        case let other:
            throw ConfigurationError("'barriers' must be pair or nnk, got '\(other)'")
        }
    }

    /// The model itself.
    public var model: any HopBarrierModel {
        switch self {
        case .pair(let model): return model
        case .nnk(let model, _, _): return model
        }
    }

    /// The entries a configuration records.
    var configuration: [String: JSONValue] {
        switch self {
        case .pair: return ["barriers": .string("pair")]
        case .nnk(_, let path, let digest): return ["barriers": .string("nnk"), "nnkWeights": .string(path), "nnkWeightsSHA256": .string(digest)]
        }
    }
}
