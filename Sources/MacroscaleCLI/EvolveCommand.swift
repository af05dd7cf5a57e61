import ArgumentParser
import Foundation
import Stages
import Systems

/// `macroscale evolve`: partial evolution of one random patch per snapshot.
struct Evolve: CollectiveCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evolve one uniformly chosen tiling patch of every large snapshot for a short time.",
        discussion: """
            Reads the snapshots of an upsample stage (or the records of a simulate stage) and writes \
            evolved.npz (patchBefore, patchAfter, patchIndex, patchOrigin, dt, replicas, snapshotIndex) \
            with a manifest that records the snapshot file's digest and --burn-in, by which encode and \
            check-estimator find each patch's snapshot. With --replicas R every snapshot gets R \
            independent patch evolutions, which encode averages into one pair of 1/R the variance.
            """)

    @Option(help: "Input stage directory (upsample or simulate).")
    var input: String

    @Option(help: "Patch size per axis (default: the small-system size the snapshots were upsampled from).")
    var patchSize: Int?

    @Flag(help: "Evolve the whole lattice (one patch, K = 1; with --boundary periodic-window exactly the large system's dynamics): one-step pairs of the large system, e.g. validation pairs for train-sde.")
    var wholeSystem = false

    @Option(help: "Elementary steps (default: one event per patch site for spins, one time step for fields).")
    var steps: Int?

    @Option(help: "Evolve each patch for this physical (Glauber) time instead of a number of steps.")
    var time: Double?

    @Option(help: "Evolve each patch for this many recorded steps instead: the mean time between records of the simulation the snapshots come from (followed through upsample stages), so one value serves every temperature; the manifest records the seconds.")
    var timeRecords: Double?

    @Option(help: "Patch boundary: periodic-window or frozen-halo (default: the reference's — periodic-window for Ising, frozen-halo for Curie–Weiss and predator–prey).")
    var boundary: RegionBoundary?

    @Option(help: "single (the reference: the patch after δt) or richardson (also half-way, for the two-time estimator without the O(δt²) bias; see Docs/ESTIMATOR.md).")
    var estimator = PartialEstimator.single

    @Option(help: "Independent patch evolutions per snapshot, averaged by encode (variance / R at R times the evolution cost).")
    var replicas = 1

    @Option(help: "Records to skip at the start of every input trajectory (simulate input only).")
    var burnIn = 0

    @OptionGroup var stage: StageOptions

    /// The settings the options describe, for snapshots of spatial shape `shape` whose simulation
    /// recorded a state every `recordedInterval` seconds on average (the unit of --time-records).
    func settings(shape: [Int], recordedInterval: Double = 1) -> PartialEvolution {
        var settings = PartialEvolution(patchShape: wholeSystem ? shape : patchSize.map { [Int](repeating: $0, count: shape.count) })
        settings.duration = (time ?? timeRecords.map { $0 * recordedInterval }).map(RegionDuration.time) ?? steps.map(RegionDuration.steps)
        settings.boundary = boundary
        settings.estimator = estimator
        settings.replicas = replicas
        settings.burnIn = burnIn
        return settings
    }

    func validate() throws {
        if [steps != nil, time != nil, timeRecords != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give one of --steps, --time and --time-records")
        }
        if wholeSystem && patchSize != nil { throw ValidationError("give --patch-size or --whole-system, not both") }
        try settings(shape: [1]).validateOption()
    }

    func run() throws {
        stage.apply()
        let source = try SnapshotSource(directory: URL(fileURLWithPath: input))
        let interval = try timeRecords.map { _ in try RecordedInterval.seconds(of: source, burnIn: burnIn) } ?? 1
        let settings = settings(shape: source.system.spatialShape, recordedInterval: interval)
        if let timeRecords { print("evolve: \(timeRecords) recorded steps of \(String(format: "%.4g", interval)) s → \(settings.duration?.description ?? "")") }
        let manifest = try EvolveStage.run(settings, inputs: source, seed: stage.seed, directory: stage.directory)
        let count = manifest.outputs.flatMap(\.arrays).first { $0.name == "dt" }?.shape.first ?? 0
        let rate = Double(count) / max(manifest.wallSeconds, 1e-9)
        print("evolve \(type(of: source.system).identifier): \(count) patches in \(String(format: "%.2f", manifest.wallSeconds)) s "
              + "(\(String(format: "%.3g", rate)) patches/s) → \(stage.out)")
    }
}
extension PartialEstimator: ExpressibleByArgument {}
