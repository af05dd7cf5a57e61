import Artifacts
import Foundation

/// What a model's latents are: the system they describe, their names, the closure model (by
/// the SHA-256 of its `closure.safetensors`) they were encoded with, or none, and the names of the
/// control parameters recorded with each pair (`encode --control`; their values are not lineage:
/// pairs at several temperatures train one model), and the clock their times run on (`Clock`).
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
    /// The control parameters' names (empty: none).
    public var controls: [String]
    /// The clock of the pairs' δt (and so of the model's time).
    public var clock: Clock

    public init(system: String, names: [String], closure: String?, controls: [String] = [], clock: Clock = .physical) {
        self.system = system
        self.names = names
        self.closure = closure
        self.controls = controls
        self.clock = clock
    }

    /// The lineage the encode stage in `directory` recorded in `manifest` (its system's
    /// identifier, latent names, closure input, control names and clock).
    init(encodedBy manifest: StageManifest, in directory: URL) throws {
        guard case .object(let config) = manifest.config, case .array(let names)? = config["latent"],
              case .object(let system)? = config["system"], case .string(let identifier)? = system["system"] else {
            throw LineageError(directory.path, "the \(manifest.stage) manifest records no system or latent names (config.system, config.latent)")
        }
        self.init(system: identifier, names: LatentLineage.strings(names),
                  closure: manifest.inputs.first { ($0.path as NSString).lastPathComponent == ClosureSource.fileName }?.sha256,
                  controls: try LatentLineage.controls(in: config, of: directory), clock: try LatentLineage.clock(in: config, of: directory))
    }

    /// The record in a train-sde manifest (`controls` only where there are some and `clock` only
    /// where it is not physical time, so records of other models are as before).
    var json: JSONValue {
        var record: [String: JSONValue] = ["system": .string(system), "latent": .array(names.map { .string($0) }),
                                           "closure": closure.map { .string($0) } ?? .null]
        if !controls.isEmpty { record["controls"] = .array(controls.map { .string($0) }) }
        if clock != .physical { record["clock"] = .string(clock.rawValue) }
        return .object(record)
    }

    /// `(m, closure0 of ising, closure 3f2a…, controls temperature)`, or `without a recorded lineage`, for messages.
    static func describe(_ lineage: LatentLineage?) -> String {
        guard let lineage else { return "without a recorded lineage (a file outside an encode stage)" }
        return "(\(lineage.names.joined(separator: ", ")) of \(lineage.system), closure \(lineage.closure.map { "\($0.prefix(12))…" } ?? "none"), "
            + "controls \(lineage.controls.isEmpty ? "none" : lineage.controls.joined(separator: ", "))"
            + (lineage.clock == .physical ? "" : ", clock \(lineage.clock.rawValue)") + ")"
    }

    /// The strings among `values`.
    private static func strings(_ values: [JSONValue]) -> [String] {
        values.compactMap { if case .string(let name) = $0 { name } else { nil } }
    }

    /// The control names of a manifest's config or lineage record (`controls`, absent: none).
    private static func controls(in record: [String: JSONValue], of directory: URL) throws -> [String] {
        guard let recorded = record["controls"] else { return [] }
        guard case .array(let values) = recorded, strings(values).count == values.count else {
            throw LineageError(directory.path, "the manifest's control names are malformed: \(recorded)")
        }
        return strings(values)
    }

    /// The clock of a manifest's config or lineage record (`clock`, absent: physical time).
    private static func clock(in record: [String: JSONValue], of directory: URL) throws -> Clock {
        guard let recorded = record["clock"] else { return .physical }
        guard case .string(let name) = recorded, let clock = Clock(rawValue: name) else {
            throw LineageError(directory.path, "the manifest's clock is none of \(Clock.allCases.map(\.rawValue).joined(separator: ", ")): \(recorded)")
        }
        return clock
    }

    /// Reads the record of a train-sde manifest (nil if the model was trained on pairs from outside a stage).
    init?(recordedBy manifest: StageManifest, in directory: URL) throws {
        guard case .object(let config) = manifest.config, let record = config["lineage"], record != .null else { return nil }
        guard case .object(let fields) = record, case .string(let system)? = fields["system"], case .array(let names)? = fields["latent"] else {
            throw LineageError(directory.path, "the train-sde manifest's lineage record is malformed")
        }
        var closure: String?
        if case .string(let digest)? = fields["closure"] { closure = digest }
        self.init(system: system, names: LatentLineage.strings(names), closure: closure, controls: try LatentLineage.controls(in: fields, of: directory),
                  clock: try LatentLineage.clock(in: fields, of: directory))
    }
}
