import ArgumentParser
import Artifacts
import Distributed
import Foundation
import Pipeline
import Systems

/// `macroscale run`: a whole pipeline from a YAML file, make-like and resumable.
struct Run: CollectiveCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a pipeline file's stages in order, skipping those already up to date.",
        discussion: """
            Stages write to <out>/<stage> (default out: Data/runs/<pipeline>/<profile>). A stage is skipped \
            when it ran before with the same arguments on the same upstream outputs and its outputs are \
            unchanged; it re-runs when anything upstream changed. An interrupted run (Ctrl-C, kill -9) \
            resumes by running the same command: a stage without a finished manifest runs again. Every \
            stage's options are checked before anything runs. --dry-run prints what would run and why; \
            --set STAGE.OPTION=VALUE overrides an option of a stage (of every copy of a swept one) after \
            the profile's, and is recorded in the stage's run record.
            """)

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String
    @Option(help: "Profile: option overrides and the stages that run only in it, defined in the file (default: quick; in a file without profiles, the stages as written, also chosen by 'default').")
    var profile: String?
    @Option(help: "Output root (default: Data/runs/<pipeline>/<profile>).")
    var out: String?
    @Option(help: "Re-run this stage and every later one.")
    var from: String?
    @Option(help: "Run only this stage (its inputs must exist).")
    var only: String?
    @Flag(help: "Re-run every stage.")
    var force = false
    @Option(help: "Worker threads for every stage.")
    var threads: Int?
    @Flag(help: "Print no progress reports.")
    var quiet = false
    @Flag(help: "Print which stages would run and why, and run nothing.")
    var dryRun = false
    @Flag(help: "Print the summary as one JSON document (each stage's status, time, and an evaluate stage's metrics.json); the stages' own lines go to standard error.")
    var json = false
    @Option(name: .customLong("set"), help: ArgumentHelp("Override an option: STAGE.OPTION=VALUE (repeatable).", valueName: "STAGE.OPTION=VALUE"))
    var settings: [String] = []

    func validate() throws {
        if out?.isEmpty == true { throw ValidationError("--out must name a directory, got an empty path") }
    }

    func run() throws {
        let definition = try PipelineDefinition(contentsOf: URL(fileURLWithPath: pipeline))
        let profile = try definition.profile(profile)
        let root = URL(fileURLWithPath: out ?? "Data/runs/\(definition.name)/\(profile)")
        let plan = try PipelinePlan(definition, profile: profile, root: root, settings: try settings.map(OptionSetting.init))
        let passThrough = (threads.map { ["--threads", String($0)] } ?? []) + (quiet ? ["--quiet"] : [])
        // Every stage's command line must parse, and the sizes must fit together, before anything runs.
        var commands: [(String, ParsableCommand)] = []
        for step in plan.steps {
            do {
                commands.append((step.name, try Macroscale.parseAsRoot(step.arguments + passThrough)))
            } catch {
                throw ValidationError("stage '\(step.name)': \(Macroscale.message(for: error)) (arguments: \(step.arguments.joined(separator: " ")))")
            }
        }
        try Run.checkSizes(commands)
        // One run per root at a time: a second is refused before it changes anything. Under
        // mpirun every rank runs the pipeline, and rank 0 alone holds the lock and writes records.
        let world = Communicator.world
        var lock: DirectoryLock?
        if !dryRun {
            lock = try world.onRoot {
                try DirectoryCreation.create(root)
                let lock = try DirectoryLock(root, for: "this pipeline run")
                try AtomicFile.removeLeftovers(in: RunRecord.directory(under: root))
                return lock
            } ?? nil
        }
        defer { lock?.release() }
        let schedule = try RunSchedule(plan, from: from, only: only, force: force)
        try Run.checkSameSchedule(schedule, root: root, world: world)
        var summary = RunSummary(pipeline: plan.pipeline, profile: plan.profile, root: root.path, dryRun: dryRun, stages: [])
        let started = Date()
        for entry in schedule.entries {
            let step = entry.step
            if dryRun {
                summary.stages.append(.init(name: step.name, status: entry.reason == nil ? "up to date" : "would run", reason: entry.reason,
                                            arguments: step.arguments, directory: step.directory.path))
                continue
            }
            if entry.reason != nil {
                if world.isRoot { FileHandle.standardError.write(Data("▶ \(step.name): macroscale \(step.arguments.joined(separator: " "))\n".utf8)) }
                do {
                    var command = try Macroscale.parseAsRoot(step.arguments + passThrough)
                    if json && world.isRoot {
                        try JSONOutput.divertingStandardOutput { try Macroscale.runAsRank(&command, of: world) }
                    } else {
                        try Macroscale.runAsRank(&command, of: world)
                    }
                } catch {
                    // The index page still shows what finished, and which stage failed with what.
                    summary.stages.append(.init(name: step.name, status: "failed", reason: Macroscale.message(for: error), arguments: step.arguments,
                                                directory: step.directory.path))
                    summary.seconds = Date().timeIntervalSince(started)
                    _ = try? world.onRoot { try RunIndexPage(summary, plan: plan).write() }
                    throw error
                }
                _ = try world.onRoot { try RunRecord.save(plan, step) }
            }
            summary.stages.append(RunSummary.finished(step.name, status: entry.reason == nil ? "up to date" : "ran", directory: step.directory))
        }
        if !dryRun {
            summary.seconds = Date().timeIntervalSince(started)
            summary.index = root.appendingPathComponent(RunIndexPage.fileName).path
            _ = try world.onRoot { try RunIndexPage(summary, plan: plan).write() }
        }
        if json {
            try JSONOutput.print(summary)
        } else {
            print(summary.text)
        }
    }

    /// Throws on every rank unless every rank found the same stages to run: they read the run
    /// root's records and manifests, which must be on a filesystem all ranks share. Returns only
    /// when every rank has read them, so none reads them while another starts a stage.
    static func checkSameSchedule(_ schedule: RunSchedule, root: URL, world: Communicator) throws {
        let pending = world.allGather(Array(schedule.entries.filter { $0.reason != nil }.map(\.step.name).joined(separator: ",").utf8))
        _ = try world.onRoot {
            if let rank = pending.firstIndex(where: { $0 != pending[0] }) {
                throw ValidationError("rank \(rank) finds other stages to run under \(root.path) than rank 0 "
                                      + "(\(String(decoding: pending[rank], as: UTF8.self)) against \(String(decoding: pending[0], as: UTF8.self))): "
                                      + "the run directory must be on a filesystem every rank shares")
            }
        }
    }

    /// Follows system shapes from simulate through upsample to evolve and train-closure stages and
    /// rejects impossible combinations (`Tiling`): a target size that is not the small size times a
    /// power of the factor or the product of the factors, a patch size that does not tile the
    /// lattice. Any system's simulation takes part, through the system its options describe.
    static func checkSizes(_ commands: [(String, ParsableCommand)]) throws {
        /// Each stage's (large, small) spatial shape: the lattice it holds and the one it was built from.
        var shapes: [String: (large: [Int], small: [Int])] = [:]
        func check(_ stage: String, _ body: () throws -> Void) throws {
            do { try body() } catch { throw ValidationError("stage '\(stage)': \(error)") }
        }
        func checkTiling(_ stage: String, input: String, patchSize: Int?) throws {
            guard let (large, small) = shapes[input] else { return }
            try check(stage) { _ = try Tiling(small: small, large: large, patch: patchSize.map { [Int](repeating: $0, count: large.count) }) }
        }
        for (stage, command) in commands {
            switch command {
            case let c as any SystemSimulation:
                try check(stage) {
                    let shape = try c.system().spatialShape
                    shapes[c.options.stage.out] = (shape, shape)
                }
            case let c as Upsample:
                if let (small, _) = shapes[c.input] {
                    try check(stage) {
                        let settings = try c.settings(smallShape: small)
                        _ = try settings.levelFactors(from: small)
                        shapes[c.stage.out] = (settings.targetShape, small)
                    }
                }
            case let c as Evolve: try checkTiling(stage, input: c.input, patchSize: c.patchSize)
            case let c as TrainClosure: try checkTiling(stage, input: c.input, patchSize: c.patchSize)
            default:
                break
            }
        }
    }
}
