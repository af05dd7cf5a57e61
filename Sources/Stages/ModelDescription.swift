import Artifacts
import Foundation
import Reports

/// A judged model as reports and comparisons name it: its `ModelRecord` (λ, K, seed), n_s (the
/// small system's sites, from the upsample stage its training pairs descend from), whether it was
/// trained on naive pairs, and its train-sde manifest's settings — everything read from manifests.
public struct ModelDescription: Sendable {
    /// λ, K, diffusion mode and seed, as `metrics.json` records them.
    public var record: ModelRecord
    /// n_s: the sites of the small system the training snapshots were upsampled from; nil where no
    /// upsample stage is found upstream of the model.
    public var smallSites: Int?
    /// Whether the training pairs are the naive ones (`naive.npz`: the patch evolved alone).
    public var naive: Bool
    /// The train-sde manifest's `config`.
    public var config: JSONValue

    /// The description of the train-sde stage in `directory`.
    public init(model directory: URL) throws {
        try self.init(try ModelSource(directory: directory))
    }

    /// The description of `model`.
    public init(_ model: ModelSource) throws {
        let directory = model.directory, manifest = try StageManifest.read(from: directory)
        record = try ModelRecord(model)
        smallSites = ModelDescription.smallSites(upstreamOf: directory)
        naive = manifest.inputs.first.map { ($0.path as NSString).lastPathComponent == "naive.npz" } ?? false
        config = manifest.config
    }

    /// The product of `config.smallShape` of the first upsample stage met walking the manifests'
    /// inputs upstream from `directory` (breadth first); nil where there is none.
    static func smallSites(upstreamOf directory: URL) -> Int? {
        var queue = [directory.standardizedFileURL], seen = Set<String>()
        while !queue.isEmpty {
            let stage = queue.removeFirst()
            guard seen.insert(stage.path).inserted, let manifest = try? StageManifest.read(from: stage) else { continue }
            if manifest.stage == "upsample", case .object(let config) = manifest.config, case .array(let shape)? = config["smallShape"] {
                // Whole positive extents only, and a product that fits: a damaged manifest gives "unknown", not a trap.
                let extents = shape.compactMap { extent -> Int? in
                    guard case .number(let n) = extent, n >= 1, n <= 1e9, n == n.rounded() else { return nil }
                    return Int(n)
                }
                guard extents.count == shape.count, !extents.isEmpty else { return nil }
                let product = extents.reduce((1, false)) { partial, extent in
                    let next = partial.0.multipliedReportingOverflow(by: extent)
                    return (next.partialValue, partial.1 || next.overflow)
                }
                return product.1 ? nil : product.0
            }
            queue += manifest.inputs.map { RelativePath.resolve($0.path, in: stage).deletingLastPathComponent() }
        }
        return nil
    }

    /// `sde-5: λ = 5 (K), K = 5, n_s = 100, diffusion diagonal, seed 1` (naive pairs said so).
    public var text: String {
        let name = URL(fileURLWithPath: record.stage).lastPathComponent
        return "\(name)\(naive ? " (naive pairs)" : ""): λ = \(SignificantDigits.text(record.lambda))"
            + (record.lambdaSetting.map { Double($0) == nil ? " (\($0))" : "" } ?? "")
            + ", K = \(record.patches.map(String.init) ?? "unknown"), n_s = \(smallSites.map(String.init) ?? "unknown"), "
            + "diffusion \(record.diffusion), seed \(record.seed.map(String.init) ?? "unknown")"
    }

    /// The value of a parameter by name: `lambda` (or `λ`), `K` (or `patches`), `n_s`, `seed`, or
    /// any number in the train-sde manifest's config (`epochs`, `sde.epochs`); nil where absent.
    public func value(of parameter: String) -> Double? {
        switch parameter {
        case "lambda", "λ": return record.lambda
        case "K", "patches": return record.patches.map(Double.init)
        case "n_s": return smallSites.map(Double.init)
        case "seed": return record.seed.map(Double.init)
        default: return ModelDescription.number(parameter, in: config)
        }
    }

    /// The number at the dotted `path` in `value`, or, for a plain name, the first number under
    /// that key anywhere in it (keys in sorted order, depth first).
    static func number(_ path: String, in value: JSONValue) -> Double? {
        guard case .object(let object) = value else { return nil }
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2, let inner = object[parts[0]] { return number(parts[1], in: inner) }
        if case .number(let n)? = object[path] { return n }
        return object.keys.sorted().lazy.compactMap { number(path, in: object[$0]!) }.first
    }
}
