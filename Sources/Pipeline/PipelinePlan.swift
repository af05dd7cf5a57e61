import Artifacts
import Foundation

/// A pipeline resolved for one profile and output root: every stage's full argument list.
public struct PipelinePlan {
    public struct Step: Equatable {
        public var name: String
        /// The arguments of `macroscale`, `--out` included.
        public var arguments: [String]
        /// The earlier stages whose outputs this one reads.
        public var upstream: [String]
        /// The stage's output directory.
        public var directory: URL
    }

    public var pipeline: String
    public var profile: String
    public var root: URL
    public var steps: [Step]

    /// Resolves `definition` with `profile`'s overrides into argument lists under `root`.
    public init(_ definition: PipelineDefinition, profile: String, root: URL) throws {
        guard let overrides = definition.profiles[profile] ?? (profile == "default" ? [:] : nil) else {
            throw PipelineError("pipeline '\(definition.name)' has no profile '\(profile)' (profiles: \(definition.profiles.keys.sorted().joined(separator: ", ")))")
        }
        pipeline = definition.name
        self.profile = profile
        self.root = root
        var earlier: [String] = []
        /// Swept stages and the copies they were made in.
        var sweeps: [String: Sweep] = [:]
        var steps: [Step] = []
        for stage in definition.stages {
            var options = stage.options
            var matrix = stage.matrix
            for (key, value) in overrides[stage.name] ?? [] {
                if key == matrix?.key {
                    // A profile's value for the swept option replaces the sweep's values.
                    switch value {
                    case .list(let items) where !items.isEmpty: matrix?.values = items
                    case .scalar(let text): matrix?.values = [text]
                    default: throw PipelineError("profile '\(profile)', stage '\(stage.name)': the swept option '\(key)' needs a value or a list of values")
                    }
                } else if let index = options.firstIndex(where: { $0.key == key }) { options[index].value = value } else { options.append((key, value)) }
            }
            guard !options.contains(where: { $0.key == "out" }) else {
                throw PipelineError("stage '\(stage.name)': 'out' is set by the pipeline (\(root.path)/\(stage.name))")
            }
            // Which copies to make: the sweep of the swept stages it reads, times its own matrix.
            let referenced = options.flatMap { option -> [String] in
                switch option.value {
                case .scalar(let text): return [text]
                case .list(let items): return items
                case .flag: return []
                }
            }.filter { $0.hasPrefix("$") }.map { String($0.dropFirst().prefix { $0 != "/" && $0 != ":" }) }
            let sweptInputs = Array(Set(referenced.filter { sweeps[$0] != nil })).sorted().map { ($0, sweeps[$0]!) }
            var sweep = try Sweep.followed(by: stage.name, reading: sweptInputs)
            if let matrix { sweep = Sweep(axes: (sweep?.axes ?? []) + [Sweep.Axis(origin: stage.name, values: matrix.values)]) }
            sweeps[stage.name] = sweep
            for values in sweep?.copies ?? [[]] {
                let name = Sweep.name(stage.name, values[...])
                var copyOptions = options
                if let key = matrix?.key, let value = values.last {
                    if let index = copyOptions.firstIndex(where: { $0.key == key }) { copyOptions[index].value = .scalar(value) } else { copyOptions.append((key, .scalar(value))) }
                }
                var arguments = stage.command, upstream: [String] = []
                func resolve(_ text: String) throws -> String {
                    guard text.hasPrefix("$") else { return text }
                    let reference = text.dropFirst()
                    var target = String(reference.prefix { $0 != "/" && $0 != ":" })
                    let rest = reference.dropFirst(target.count)
                    guard earlier.contains(target) else {
                        throw PipelineError("stage '\(stage.name)': '\(text)' refers to \(definition.stages.contains { $0.name == target } ? "a later" : "no") stage '\(target)'")
                    }
                    // The copy of a swept input that matches this one: the values of the axes they share.
                    if let inputSweep = sweeps[target] { target = Sweep.name(target, values.prefix(inputSweep.axes.count)) }
                    if !upstream.contains(target) { upstream.append(target) }
                    return root.appendingPathComponent(target).path + rest
                }
                for (key, value) in copyOptions {
                    switch value {
                    case .flag(true): arguments.append("--\(key)")
                    case .flag(false): break
                    // --key=value, so that negative numbers are not taken for options.
                    case .scalar(let text): arguments.append("--\(key)=\(try resolve(text))")
                    case .list(let items): for item in items { arguments.append("--\(key)=\(try resolve(item))") }
                    }
                }
                let directory = root.appendingPathComponent(name)
                arguments.append("--out=\(directory.path)")
                steps.append(Step(name: name, arguments: arguments, upstream: upstream, directory: directory))
            }
            earlier.append(stage.name)
        }
        self.steps = steps
    }
}

/// What a finished pipeline step ran with, kept in `<root>/.pipeline/<stage>.json`: a step is up
/// to date when its arguments are the same, its upstream stages' manifests are the ones it read,
/// and its own manifest still vouches for its outputs.
public struct RunRecord: Codable, Equatable {
    public var arguments: [String]
    /// SHA-256 of each upstream stage's manifest.json when this step ran.
    public var upstream: [String: String]

    public init(arguments: [String], upstream: [String: String]) {
        self.arguments = arguments
        self.upstream = upstream
    }

    static func url(_ plan: PipelinePlan, _ step: PipelinePlan.Step) -> URL {
        plan.root.appendingPathComponent(".pipeline").appendingPathComponent("\(step.name).json")
    }

    /// The record `step` would have if it ran now.
    public static func current(_ plan: PipelinePlan, _ step: PipelinePlan.Step) -> RunRecord {
        var upstream: [String: String] = [:]
        for name in step.upstream {
            let manifest = plan.root.appendingPathComponent(name).appendingPathComponent(StageManifest.fileName)
            upstream[name] = (try? SHA256.hex(fileAt: manifest)) ?? "missing"
        }
        return RunRecord(arguments: step.arguments, upstream: upstream)
    }

    /// Whether `step` can be skipped.
    public static func isUpToDate(_ plan: PipelinePlan, _ step: PipelinePlan.Step) -> Bool {
        guard let data = try? Data(contentsOf: url(plan, step)), let stored = try? JSONDecoder().decode(RunRecord.self, from: data),
              stored == current(plan, step), let manifest = try? StageManifest.read(from: step.directory) else { return false }
        return manifest.changedOutputs(in: step.directory).isEmpty
    }

    /// Records that `step` has just finished.
    public static func save(_ plan: PipelinePlan, _ step: PipelinePlan.Step) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(current(plan, step)), to: url(plan, step))
    }
}
