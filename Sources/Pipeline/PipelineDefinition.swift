import Foundation
import Yams

/// A pipeline file: stages run in order, each a `macroscale` command with options, and profiles
/// that override options per stage.
///
/// ```yaml
/// pipeline: curie-weiss
/// stages:
///   - name: simulate
///     run: simulate curie-weiss
///     with: {size: 16, runs: 200, steps: 40}
///   - name: upsample
///     run: upsample
///     with: {input: $simulate, target-size: 32, snapshots: 8000}
/// profiles:
///   quick: {}
///   paper: {simulate: {runs: 1000, steps: 200}}
/// ```
///
/// Option values are numbers, strings, booleans (true → a flag) or lists (a repeated option).
/// `$stage` is replaced by that stage's output directory, `$stage/file` by a path inside it.
/// `matrix: {option: [v1, v2]}` makes one copy of a stage per value, named `stage-v1`, …; a later
/// stage that reads a swept stage is swept with it, each copy reading the matching one, and one
/// with its own matrix as well runs for the product (`sde-8-10` for n_s = 8, seed 10). Matrices
/// over the same option and values are one axis (`simulate`, `validation`, `test` swept over one
/// temperature list). `profiles: [paper]` on a stage runs it in those profiles only.
public struct PipelineDefinition: Equatable {
    public struct Stage: Equatable {
        public var name: String
        /// The command words, e.g. ["simulate", "curie-weiss"].
        public var command: [String]
        /// Options in file order.
        public var options: [(key: String, value: OptionValue)]
        /// A sweep: one copy of the stage per value of this option (`matrix: {lambda: [1, 5]}`).
        public var matrix: (key: String, values: [String])?
        /// The profiles the stage runs in (`profiles: [paper]`); nil: every profile.
        public var profiles: [String]?

        /// Whether the stage is part of a run with `profile`.
        public func runs(in profile: String) -> Bool {
            profiles?.contains(profile) ?? true
        }

        public static func == (a: Stage, b: Stage) -> Bool {
            a.name == b.name && a.command == b.command && a.options.map(\.key) == b.options.map(\.key)
                && a.options.map(\.value) == b.options.map(\.value) && a.matrix?.key == b.matrix?.key && a.matrix?.values == b.matrix?.values
                && a.profiles == b.profiles
        }
    }

    public enum OptionValue: Equatable, CustomStringConvertible {
        case scalar(String)
        case flag(Bool)
        case list([String])

        public var description: String {
            switch self {
            case .scalar(let text): return text
            case .flag(let on): return String(on)
            case .list(let items): return "[" + items.joined(separator: ", ") + "]"
            }
        }
    }

    public var name: String
    public var stages: [Stage]
    /// Profile → stage → option overrides.
    public var profiles: [String: [String: [(key: String, value: OptionValue)]]]

    public static func == (a: PipelineDefinition, b: PipelineDefinition) -> Bool {
        a.name == b.name && a.stages == b.stages && a.profiles.keys.sorted() == b.profiles.keys.sorted()
    }

    /// Reads and validates a pipeline file; errors name the file and say what is wrong where.
    public init(contentsOf url: URL) throws {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw PipelineError("\(url.path): cannot read: \(error.localizedDescription)")
        }
        try self.init(yaml: text, source: url.path)
    }

    /// The deepest nesting a pipeline file may have, bounded before the file is parsed
    /// (`YAMLNesting`): pipelines nest a few levels, and parsing recurses once per level.
    public static let nestingLimit = 128

    /// Parses pipeline YAML; `source` names it in errors.
    public init(yaml: String, source: String) throws {
        let nesting = YAMLNesting.bound(of: yaml, stoppingAbove: Self.nestingLimit)
        guard nesting.depth <= Self.nestingLimit else {
            throw PipelineError("\(source): line \(nesting.line) nests or indents too deeply: a pipeline file may nest at most \(Self.nestingLimit) levels of lists, mappings and indentation")
        }
        let root: Node
        do {
            guard let parsed = try Yams.compose(yaml: yaml) else { throw PipelineError("\(source): the file is empty") }
            root = parsed
        } catch let error as PipelineError {
            throw error
        } catch {
            throw PipelineError("\(source): not valid YAML: \(error)")
        }
        let top = try Self.mapping(root, "\(source): the top level")
        try Self.allowOnly(["pipeline", "description", "stages", "profiles"], in: top, at: "\(source): top level")
        guard let nameNode = top.first(where: { $0.0 == "pipeline" })?.1, let name = nameNode.string, !name.isEmpty else {
            throw PipelineError("\(source): missing 'pipeline: NAME'")
        }
        try DirectoryName.check(name, "\(source): the pipeline name")
        self.name = name
        guard let stagesNode = top.first(where: { $0.0 == "stages" })?.1, let list = stagesNode.sequence, !list.isEmpty else {
            throw PipelineError("\(source): 'stages' must be a non-empty list")
        }
        stages = try list.enumerated().map { index, node in
            let where_ = "\(source): stage \(index + 1)"
            let fields = try Self.mapping(node, where_)
            try Self.allowOnly(["name", "run", "with", "matrix", "profiles"], in: fields, at: where_)
            guard let name = fields.first(where: { $0.0 == "name" })?.1.string, !name.isEmpty else {
                throw PipelineError("\(where_): missing 'name'")
            }
            try DirectoryName.check(name, "\(where_): the stage name")
            guard let run = fields.first(where: { $0.0 == "run" })?.1.string, !run.split(separator: " ").isEmpty else {
                throw PipelineError("\(where_) ('\(name)'): missing 'run: COMMAND'")
            }
            guard run.split(separator: " ").first != "run" else {
                throw PipelineError("\(where_) ('\(name)'): 'run: \(run)' would run a pipeline inside a pipeline; list that pipeline's stages instead")
            }
            let options = try fields.first(where: { $0.0 == "with" }).map { try Self.options($0.1, at: "\(where_) ('\(name)')") } ?? []
            var matrix: (key: String, values: [String])?
            if let matrixNode = fields.first(where: { $0.0 == "matrix" })?.1 {
                let entries = try Self.options(matrixNode, at: "\(where_) ('\(name)') matrix")
                guard entries.count == 1, case .list(let values) = entries[0].value, !values.isEmpty else {
                    throw PipelineError("\(where_) ('\(name)'): 'matrix' must name one option with a list of values, e.g. {lambda: [1, 5]}")
                }
                matrix = (entries[0].key, values)
            }
            var profiles: [String]?
            if let profilesNode = fields.first(where: { $0.0 == "profiles" })?.1 {
                guard let items = profilesNode.sequence, !items.isEmpty, items.allSatisfy({ $0.string?.isEmpty == false }) else {
                    throw PipelineError("\(where_) ('\(name)'): 'profiles' must list the profiles the stage runs in, e.g. [paper]")
                }
                profiles = items.compactMap(\.string)
            }
            return Stage(name: name, command: run.split(separator: " ").map(String.init), options: options, matrix: matrix, profiles: profiles)
        }
        var seen = Set<String>()
        for stage in stages where !seen.insert(stage.name).inserted {
            throw PipelineError("\(source): two stages are named '\(stage.name)'")
        }
        profiles = [:]
        if let profilesNode = top.first(where: { $0.0 == "profiles" })?.1 {
            for (profile, body) in try Self.mapping(profilesNode, "\(source): 'profiles'") {
                try DirectoryName.check(profile, "\(source): the profile name")
                var overrides: [String: [(key: String, value: OptionValue)]] = [:]
                if body.mapping != nil || body.string == nil {
                    for (stageName, optionsNode) in try Self.mapping(body, "\(source): profile '\(profile)'") {
                        guard let stage = stages.first(where: { $0.name == stageName }) else {
                            throw PipelineError("\(source): profile '\(profile)' overrides an unknown stage '\(stageName)' (stages: \(stages.map(\.name).joined(separator: ", ")))")
                        }
                        guard stage.runs(in: profile) else {
                            throw PipelineError("\(source): profile '\(profile)' overrides stage '\(stageName)', which runs only in profiles \(stage.profiles!.joined(separator: ", "))")
                        }
                        overrides[stageName] = try Self.options(optionsNode, at: "\(source): profile '\(profile)', stage '\(stageName)'")
                    }
                }
                profiles[profile] = overrides
            }
        }
        for stage in stages {
            for profile in stage.profiles ?? [] where profiles[profile] == nil {
                throw PipelineError("\(source): stage '\(stage.name)' runs in profile '\(profile)', which the file does not define (profiles: \(profiles.isEmpty ? "none" : profiles.keys.sorted().joined(separator: ", ")))")
            }
        }
    }

    /// The profile a run takes: `requested` if given; else `quick`, the usual first profile, or —
    /// in a file without profiles — `default`, the stages as written. A file whose profiles do not
    /// include `quick` needs one chosen.
    public func profile(_ requested: String?) throws -> String {
        if let requested { return requested }
        if profiles.isEmpty { return "default" }
        guard profiles["quick"] != nil else {
            throw PipelineError("pipeline '\(name)' has no profile 'quick', the default: choose one with --profile (profiles: \(profiles.keys.sorted().joined(separator: ", ")), or default for the stages as written)")
        }
        return "quick"
    }

    /// The keys and values of a mapping, in file order; a key given twice is refused (YAML forbids
    /// it, and a parser that kept either one would silently drop the other).
    private static func mapping(_ node: Node, _ where_: String) throws -> [(String, Node)] {
        guard let mapping = node.mapping else { throw PipelineError("\(where_) must be a mapping (key: value)") }
        var seen = Set<String>()
        return try mapping.map { key, value in
            guard let name = key.string else { throw PipelineError("\(where_): keys must be text") }
            guard seen.insert(name).inserted else {
                throw PipelineError("\(where_): the key '\(name)' is given twice\(key.mark.map { " (again at line \($0.line))" } ?? "")")
            }
            return (name, value)
        }
    }

    private static func allowOnly(_ keys: Set<String>, in fields: [(String, Node)], at where_: String) throws {
        for (key, _) in fields where !keys.contains(key) {
            throw PipelineError("\(where_): unknown key '\(key)' (allowed: \(keys.sorted().joined(separator: ", ")))")
        }
    }

    private static func options(_ node: Node, at where_: String) throws -> [(key: String, value: OptionValue)] {
        try mapping(node, "\(where_): 'with'").map { key, value in
            switch value {
            case .scalar(let scalar):
                switch scalar.string {
                case "true": return (key, .flag(true))
                case "false": return (key, .flag(false))
                default: return (key, .scalar(scalar.string))
                }
            case .sequence(let items):
                return (key, .list(try items.map { item in
                    guard let text = item.string else { throw PipelineError("\(where_): option '\(key)' must list plain values") }
                    return text
                }))
            default:
                throw PipelineError("\(where_): option '\(key)' must be a number, text, true/false or a list, not a mapping")
            }
        }
    }
}

/// A pipeline file or run that cannot proceed, with what and where.
public struct PipelineError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
