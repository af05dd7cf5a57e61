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

    /// The settings the options describe, for a system of `rank` spatial dimensions.
    func settings(rank: Int) -> Upsampling {
        var settings = Upsampling(targetShape: [Int](repeating: targetSize, count: rank), snapshots: snapshots)
        settings.factor = factor
        settings.window = window
        settings.stride = stride
        settings.relaxDuration = relaxTime.map(RegionDuration.time) ?? relaxSteps.map(RegionDuration.steps)
        settings.boundary = boundary
        settings.appendInitial = appendInitial
        settings.appendRelaxDuration = appendRelaxTime.map(RegionDuration.time)
        settings.appendRelaxSpread = appendRelaxSpread
        settings.burnIn = burnIn
        return settings
    }

    func validate() throws {
        if relaxSteps != nil && relaxTime != nil { throw ValidationError("give --relax-steps or --relax-time, not both") }
        try settings(rank: 1).validateOption()
    }

    func run() throws {
        stage.apply()
        let source = try SnapshotSource(directory: URL(fileURLWithPath: input))
        let settings = settings(rank: source.system.spatialShape.count)
        let manifest = try UpsampleStage.run(settings, inputs: source, seed: stage.seed, directory: stage.directory)
        print("upsample \(type(of: source.system).identifier): \(source.system.spatialShape) → \(settings.targetShape), "
              + "\(snapshots + appendInitial) snapshots in \(String(format: "%.2f", manifest.wallSeconds)) s → \(stage.out)")
    }
}
