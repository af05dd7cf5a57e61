import ArgumentParser
import Foundation
import Stages
import Systems

/// `macroscale upsample`: hierarchical upsampling of small-system snapshots.
struct Upsample: CollectiveCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build large-system snapshots from small ones: Upsample, then LocalRelax in overlapping windows.",
        discussion: """
            Reads the states of a simulate stage (every record after --burn-in of every run) or of an \
            earlier upsample stage, and writes snapshots.npz (states, parent) with a manifest. The \
            system and its parameters come from the input's manifest.
            """)

    @Option(help: "Input stage directory (simulate or upsample).")
    var input: String

    @Option(help: "Linear size of the large system (L for spins, points for predator–prey); with --factors, default: the input size times their product.")
    var targetSize: Int?

    @Option(help: "Snapshots drawn per level (with replacement).")
    var snapshots = 1000

    @Option(help: "Upsampling factor of every level (default 2): L must be the input size times a power of it.")
    var factor: Int?

    @Option(help: "The factor of each level instead, comma-separated, first level first (2,3: 16 → 32 → 96; 1: no level); their product must take the input size to L.")
    var factors: String?

    @Option(help: "LocalRelax window size in sites per axis.")
    var window = 16

    @Option(help: "Distance between window origins.")
    var stride = 8

    @Option(help: "Elementary steps per window (default: one event per window site for spins, one time step for fields); 0 turns LocalRelax off.")
    var relaxSteps: Int?

    @Option(help: "Relax each window for this physical (Glauber) time instead of a number of steps.")
    var relaxTime: Double?

    @Option(help: "Relax each window for this many recorded steps instead: the mean time between records of the simulation the snapshots come from, so one value serves every temperature; the manifest records the seconds.")
    var relaxRecords: Double?

    @Option(help: "Window boundary: periodic-window (reference) or frozen-halo.")
    var boundary = RegionBoundary.periodicWindow

    @Option(help: "Append this many configurations from the system's initial condition (random magnetization) at the last level.")
    var appendInitial = 0

    @Option(help: "Relax the appended configurations for this physical time per window instead (0: not at all).")
    var appendRelaxTime: Double?

    @Option(help: "Relax the appended configurations for this many recorded steps per window instead (see --relax-records).")
    var appendRelaxRecords: Double?

    @Flag(help: "Relax each appended configuration for a fraction u² (u uniform) of its relax time, covering the whole relaxation from the random state.")
    var appendRelaxSpread = false

    @Option(help: "Records to skip at the start of every input trajectory.")
    var burnIn = 0

    @OptionGroup var stage: StageOptions

    /// The settings the options describe, for input snapshots of spatial shape `smallShape` whose
    /// simulation recorded a state every `recordedInterval` seconds on average (the unit of the
    /// --…-records options).
    func settings(smallShape: [Int], recordedInterval: Double = 1) throws -> Upsampling {
        let factors = try factors.map { try parsedList($0, option: "--factors", as: Int.self) }
        let target: [Int]
        if let targetSize {
            target = [Int](repeating: targetSize, count: smallShape.count)
        } else if let factors {
            guard let grown = Tiling.upsampled(smallShape, by: factors) else { throw ValidationError("--factors \(self.factors ?? "") overflow the lattice size") }
            target = grown
        } else {
            throw ValidationError("give --target-size (or --factors, which imply it)")
        }
        var settings = Upsampling(targetShape: target, snapshots: snapshots)
        settings.factor = factor ?? settings.factor
        settings.factors = factors
        settings.window = window
        settings.stride = stride
        settings.relaxDuration = (relaxTime ?? relaxRecords.map { $0 * recordedInterval }).map(RegionDuration.time) ?? relaxSteps.map(RegionDuration.steps)
        settings.boundary = boundary
        settings.appendInitial = appendInitial
        settings.appendRelaxDuration = (appendRelaxTime ?? appendRelaxRecords.map { $0 * recordedInterval }).map(RegionDuration.time)
        settings.appendRelaxSpread = appendRelaxSpread
        settings.burnIn = burnIn
        return settings
    }

    func validate() throws {
        if [relaxSteps != nil, relaxTime != nil, relaxRecords != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give one of --relax-steps, --relax-time and --relax-records")
        }
        if appendRelaxTime != nil && appendRelaxRecords != nil { throw ValidationError("give --append-relax-time or --append-relax-records, not both") }
        if factor != nil && factors != nil { throw ValidationError("give --factor or --factors, not both") }
        try settings(smallShape: [1]).validateOption()
    }

    func run() throws {
        stage.apply()
        let source = try SnapshotSource(directory: URL(fileURLWithPath: input))
        let inRecords = relaxRecords != nil || appendRelaxRecords != nil
        let interval = inRecords ? try RecordedInterval.seconds(of: source, burnIn: burnIn) : 1
        let settings = try settings(smallShape: source.system.spatialShape, recordedInterval: interval)
        if inRecords {
            print("upsample: recorded steps of \(String(format: "%.4g", interval)) s → relax \(settings.relaxDuration?.description ?? "default"), "
                  + "append relax \(settings.appendRelaxDuration?.description ?? "none")")
        }
        let manifest = try UpsampleStage.run(settings, inputs: source, seed: stage.seed, directory: stage.directory)
        print("upsample \(type(of: source.system).identifier): \(source.system.spatialShape) → \(settings.targetShape), "
              + "\(snapshots + appendInitial) snapshots in \(String(format: "%.2f", manifest.wallSeconds)) s → \(stage.out)")
    }
}
