import ArgumentParser
import Foundation
import Stages
import Systems

/// `macroscale upsample`: hierarchical upsampling of small-system snapshots.
struct Upsample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build large-system snapshots from small ones: Upsample, then LocalRelax in overlapping windows.",
        discussion: """
            Reads the states of a simulate stage (every record after --burn-in of every run) or of an \
            earlier upsample stage, and writes snapshots.npz (states, parent) with a manifest. The \
            system and its parameters come from the input's manifest.
            """)

    @Option(help: "Input stage directory (simulate or upsample).")
    var input: String

    @Option(help: "Linear size of the large system (L for spins, points for predator–prey).")
    var targetSize: Int

    @Option(help: "Snapshots drawn per level (with replacement).")
    var snapshots = 1000

    @Option(help: "Upsampling factor per level (2 default; 3 allowed).")
    var factor = 2

    @Option(help: "LocalRelax window size in sites per axis.")
    var window = 16

    @Option(help: "Distance between window origins.")
    var stride = 8

    @Option(help: "Elementary steps per window (default: one event per window site for spins, one time step for fields); 0 turns LocalRelax off.")
    var relaxSteps: Int?

    @Option(help: "Relax each window for this physical (Glauber) time instead of a number of steps.")
    var relaxTime: Double?

    @Option(help: "Window boundary: periodic-window (reference) or frozen-halo.")
    var boundary = RegionBoundary.periodicWindow

    @Option(help: "Append this many configurations from the system's initial condition (random magnetization) at the last level.")
    var appendInitial = 0

    @Option(help: "Relax the appended configurations for this physical time per window instead (0: not at all).")
    var appendRelaxTime: Double?

    @Flag(help: "Relax each appended configuration for a fraction u² (u uniform) of its relax time, covering the whole relaxation from the random state.")
    var appendRelaxSpread = false

    @Option(help: "Records to skip at the start of every input trajectory.")
    var burnIn = 0

    @OptionGroup var stage: StageOptions

    func validate() throws {
        if let appendRelaxTime, !(appendRelaxTime >= 0 && appendRelaxTime.isFinite) { throw ValidationError("--append-relax-time must be non-negative and finite") }
        guard snapshots >= 1 else { throw ValidationError("--snapshots must be at least 1") }
        guard factor >= 2 else { throw ValidationError("--factor must be at least 2") }
        guard window >= 1, stride >= 1 else { throw ValidationError("--window and --stride must be at least 1") }
        if let relaxSteps, relaxSteps < 0 { throw ValidationError("--relax-steps must be non-negative") }
        if let relaxTime, !(relaxTime >= 0 && relaxTime.isFinite) { throw ValidationError("--relax-time must be non-negative and finite") }
        if relaxSteps != nil && relaxTime != nil { throw ValidationError("give --relax-steps or --relax-time, not both") }
        guard appendInitial >= 0, burnIn >= 0 else { throw ValidationError("--append-initial and --burn-in must be non-negative") }
    }

    func run() throws {
        stage.apply()
        let source = try SnapshotSource(directory: URL(fileURLWithPath: input))
        try upsample(source.system, source: source)
    }

    private func upsample<System: MicroscopicSystem>(_ system: System, source: SnapshotSource) throws {
        var settings = Upsampling(targetShape: [Int](repeating: targetSize, count: system.spatialShape.count), snapshots: snapshots)
        settings.factor = factor
        settings.window = window
        settings.stride = stride
        settings.relaxDuration = relaxTime.map(RegionDuration.time) ?? relaxSteps.map(RegionDuration.steps)
        settings.boundary = boundary
        settings.appendInitial = appendInitial
        settings.appendRelaxDuration = appendRelaxTime.map(RegionDuration.time)
        settings.appendRelaxSpread = appendRelaxSpread
        settings.burnIn = burnIn
        let manifest = try UpsampleStage.run(system, pool: try source.snapshots(of: system, burnIn: burnIn), settings: settings,
                                             seed: stage.seed, inputs: [source.input], directory: stage.directory)
        print("upsample \(System.identifier): \(system.spatialShape) → \(settings.targetShape), \(snapshots + appendInitial) snapshots in \(String(format: "%.2f", manifest.wallSeconds)) s → \(stage.out)")
    }
}
