import Artifacts
import Foundation

/// What a model's latents are: the system they describe, their names, and the closure model (by
/// the SHA-256 of its `closure.safetensors`) they were encoded with, or none.
///
/// `encode` records it (its system, `latent` and inputs), `train-sde` copies it into its manifest
/// (`config.lineage`), and `evaluate` and `check-dynamics` refuse test stages of another system
/// and a closure model other than the one the training pairs went through: a model judged
/// through a different latent map would give numbers that look fine and mean nothing.
public struct LatentLineage: Equatable, Sendable {
    /// The system's identifier (`ising`, `curie-weiss`, …).
    public var system: String
    /// The latent components' names.
    public var names: [String]
    /// SHA-256 of the closure model's file, nil for observable latents.
    public var closure: String?

    public init(system: String, names: [String], closure: String?) {
        self.system = system
        self.names = names
        self.closure = closure
    }

    /// The lineage the encode stage in `directory` recorded in `manifest` (its system's
    /// identifier, latent names and closure input).
    init(encodedBy manifest: StageManifest, in directory: URL) throws {
        guard case .object(let config) = manifest.config, case .array(let names)? = config["latent"],
              case .object(let system)? = config["system"], case .string(let identifier)? = system["system"] else {
            throw LineageError(directory.path, "the encode manifest records no system or latent names (config.system, config.latent)")
        }
        self.init(system: identifier, names: names.compactMap { if case .string(let name) = $0 { name } else { nil } },
                  closure: manifest.inputs.first { ($0.path as NSString).lastPathComponent == ClosureSource.fileName }?.sha256)
    }

    /// The record in a train-sde manifest.
    var json: JSONValue {
        ["system": .string(system), "latent": .array(names.map { .string($0) }), "closure": closure.map { .string($0) } ?? .null]
    }

    /// Reads the record of a train-sde manifest (nil if the model was trained on pairs from outside a stage).
    init?(recordedBy manifest: StageManifest, in directory: URL) throws {
        guard case .object(let config) = manifest.config, let record = config["lineage"], record != .null else { return nil }
        guard case .object(let fields) = record, case .string(let system)? = fields["system"], case .array(let names)? = fields["latent"] else {
            throw LineageError(directory.path, "the train-sde manifest's lineage record is malformed")
        }
        var closure: String?
        if case .string(let digest)? = fields["closure"] { closure = digest }
        self.init(system: system, names: names.compactMap { if case .string(let name) = $0 { name } else { nil } }, closure: closure)
    }
}
