import Artifacts
import Foundation

/// A pipeline resolved for one profile and output root: every stage's full argument list.
public struct PipelinePlan {
    public struct Step: Equatable {
        public var name: String
        /// The arguments of `macroscale`, `--out` included.
        public var arguments: [String]
        /// The arguments with the run root written `$root`, as the run record keeps them, so that a
        /// moved run directory is still up to date.
        public var recordedArguments: [String]
        /// The earlier stages whose outputs this one reads.
        public var upstream: [String]
        /// The stage's output directory.
        public var directory: URL
        /// The command-line overrides (`--set`) that changed this stage's options, as `OPTION=VALUE`.
        public var overrides: [String]
    }

    public var pipeline: String
    public var profile: String
    public var root: URL
    public var steps: [Step]

    /// Resolves `definition` with `profile`'s overrides, then the command line's (`settings`), into
    /// argument lists under `root`.
    public init(_ definition: PipelineDefinition, profile: String, root: URL, settings: [OptionSetting] = []) throws {
        guard let overrides = definition.profiles[profile] ?? (profile == "default" ? [:] : nil) else {
            guard !definition.profiles.isEmpty else {
                throw PipelineError("pipeline '\(definition.name)' defines no profiles, so not '\(profile)': run it without --profile (its stages as written)")
            }
            throw PipelineError("pipeline '\(definition.name)' has no profile '\(profile)' (profiles: \(definition.profiles.keys.sorted().joined(separator: ", ")))")
        }
        for setting in settings {
            guard let stage = definition.stages.first(where: { $0.name == setting.stage }) else {
                throw PipelineError("--set \(setting): no stage '\(setting.stage)' (stages: \(definition.stages.map(\.name).joined(separator: ", ")))")
            }
            guard stage.runs(in: profile) else {
                throw PipelineError("--set \(setting): stage '\(setting.stage)' runs only in profiles \(stage.profiles!.joined(separator: ", ")), not '\(profile)'")
            }
        }
        pipeline = definition.name
        self.profile = profile
        self.root = root
        var earlier: [String] = []
        /// The copies of earlier swept stages, which a stage may name one by one (`$rollout-2.27-K`).
        var earlierCopies: Set<String> = []
        /// Swept stages and the copies they were made in.
        var sweeps: [String: Sweep] = [:]
        var steps: [Step] = []
        for stage in definition.stages where stage.runs(in: profile) {
            var options = stage.options
            var matrix = stage.matrix
            let stageSettings = settings.filter { $0.stage == stage.name }
            for (key, value) in (overrides[stage.name] ?? []) + stageSettings.map({ ($0.option, $0.value) }) {
                if key == matrix?.key {
                    // A profile's value for the swept option replaces the sweep's values.
                    switch value {
                    case .list(let items) where !items.isEmpty: matrix?.values = items
                    case .scalar(let text): matrix?.values = [text]
                    default: throw PipelineError("profile '\(profile)' or --set, stage '\(stage.name)': the swept option '\(key)' needs a value or a list of values")
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
            if let matrix { sweep = try (sweep ?? Sweep(axes: [])).extended(by: stage.name, matrix: matrix) }
            sweeps[stage.name] = sweep
            for values in sweep?.copies ?? [[]] {
                let name = Sweep.name(stage.name, values[...])
                try DirectoryName.check(name, "stage '\(stage.name)': the copy for \(values.joined(separator: ", ")), named")
                var copyOptions = options
                if let key = matrix?.key, let value = values.last {
                    if let index = copyOptions.firstIndex(where: { $0.key == key }) { copyOptions[index].value = .scalar(value) } else { copyOptions.append((key, .scalar(value))) }
                }
                var upstream: [String] = []
                /// `$stage…` as a path under `rootPath`; other text as is.
                func resolve(_ text: String, under rootPath: String) throws -> String {
                    guard text.hasPrefix("$") else { return text }
                    let reference = text.dropFirst()
                    var target = String(reference.prefix { $0 != "/" && $0 != ":" })
                    let rest = reference.dropFirst(target.count)
                    if earlierCopies.contains(target) {
                        if !upstream.contains(target) { upstream.append(target) }
                        return Self.path(target, under: rootPath) + rest
                    }
                    guard earlier.contains(target) else {
                        if let absent = definition.stages.first(where: { $0.name == target && !$0.runs(in: profile) }) {
                            throw PipelineError("stage '\(stage.name)': '\(text)' refers to stage '\(target)', which runs only in profiles \(absent.profiles!.joined(separator: ", ")), not '\(profile)'")
                        }
                        throw PipelineError("stage '\(stage.name)': '\(text)' refers to \(definition.stages.contains { $0.name == target } ? "a later" : "no") stage '\(target)'")
                    }
                    // The copy of a swept input that matches this one: the values of the axes they share.
                    if let inputSweep = sweeps[target] { target = Sweep.name(target, values.prefix(inputSweep.axes.count)) }
                    if !upstream.contains(target) { upstream.append(target) }
                    return Self.path(target, under: rootPath) + rest
                }
                func arguments(under rootPath: String) throws -> [String] {
                    var arguments = stage.command
                    for (key, value) in copyOptions {
                        switch value {
                        case .flag(true): arguments.append("--\(key)")
                        case .flag(false): break
                        // --key=value, so that negative numbers are not taken for options.
                        case .scalar(let text): arguments.append("--\(key)=\(try resolve(text, under: rootPath))")
                        case .list(let items): for item in items { arguments.append("--\(key)=\(try resolve(item, under: rootPath))") }
                        }
                    }
                    return arguments + ["--out=\(Self.path(name, under: rootPath))"]
                }
                steps.append(Step(name: name, arguments: try arguments(under: root.path), recordedArguments: try arguments(under: Self.recordedRoot),
                                  upstream: upstream, directory: root.appendingPathComponent(name),
                                  overrides: stageSettings.map { "\($0.option)=\($0.value)" }))
            }
            earlier.append(stage.name)
            if let sweep { earlierCopies.formUnion(steps.suffix(sweep.copies.count).map(\.name)) }
        }
        self.steps = steps
    }

    /// How run records write the run root.
    static let recordedRoot = "$root"

    /// The directory of stage `name` under `rootPath`.
    private static func path(_ name: String, under rootPath: String) -> String {
        rootPath.hasSuffix("/") ? rootPath + name : rootPath + "/" + name
    }
}

/// What a finished pipeline step ran with, kept in `<root>/.pipeline/<stage>.json`: a step is up
/// to date when its arguments (with the run root written `$root`) and command-line overrides are
/// the same, its upstream stages' manifests are the ones it read, and its own manifest still
/// vouches for its outputs. Nothing in it names the root, so a moved run directory stays up to date.
public struct RunRecord: Codable, Equatable {
    public var arguments: [String]
    /// The `--set` overrides that applied to the step, as `OPTION=VALUE`.
    public var overrides: [String]
    /// SHA-256 of each upstream stage's manifest.json when this step ran.
    public var upstream: [String: String]

    public init(arguments: [String], overrides: [String], upstream: [String: String]) {
        self.arguments = arguments
        self.overrides = overrides
        self.upstream = upstream
    }

    /// The directory under a run root that holds its run records.
    public static func directory(under root: URL) -> URL {
        root.appendingPathComponent(".pipeline")
    }

    static func url(_ plan: PipelinePlan, _ step: PipelinePlan.Step) -> URL {
        directory(under: plan.root).appendingPathComponent("\(step.name).json")
    }

    /// The record `step` would have if it ran now.
    public static func current(_ plan: PipelinePlan, _ step: PipelinePlan.Step) -> RunRecord {
        var upstream: [String: String] = [:]
        for name in step.upstream {
            let manifest = plan.root.appendingPathComponent(name).appendingPathComponent(StageManifest.fileName)
            upstream[name] = (try? SHA256.hex(fileAt: manifest)) ?? "missing"
        }
        return RunRecord(arguments: step.recordedArguments, overrides: step.overrides, upstream: upstream)
    }

    /// Why `step` must run, or nil if it is up to date.
    public static func staleness(_ plan: PipelinePlan, _ step: PipelinePlan.Step) -> String? {
        guard let data = try? Data(contentsOf: url(plan, step)) else { return "no run record" }
        guard let stored = try? JSONDecoder().decode(RunRecord.self, from: data) else {
            return "its run record is unreadable (written by an earlier version?)"
        }
        let now = current(plan, step)
        if stored.arguments != now.arguments { return "its arguments changed" }
        if stored.overrides != now.overrides { return "its --set overrides changed" }
        if let changed = step.upstream.first(where: { stored.upstream[$0] != now.upstream[$0] }) { return "upstream '\(changed)' changed" }
        guard let manifest = try? StageManifest.read(from: step.directory) else { return "no finished manifest" }
        let changed = manifest.changedOutputs(in: step.directory)
        return changed.isEmpty ? nil : "outputs changed: \(changed.joined(separator: ", "))"
    }

    /// Records that `step` has just finished.
    public static func save(_ plan: PipelinePlan, _ step: PipelinePlan.Step) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(current(plan, step)), to: url(plan, step))
    }
}
