import Artifacts
import Distributed
import Execution
import Foundation
import Linalg
import Random
import Systems

/// Partial evolution: for every large snapshot, evolve one uniformly chosen tiling patch alone
/// (or `replicas` of them, one after another, each from the snapshot).
///
/// The lattice is tiled by K non-overlapping patches of `patchShape` (in C order); snapshot j
/// draws patch I uniformly from stream (seed, "evolve", j) and runs the dynamics inside it for
/// `duration` (`boundary` says how it meets the frozen rest), recording the patch before
/// and after, I, and the elapsed time δt (random for kinetic Monte Carlo). With the Richardson
/// estimator the patch is also recorded half-way (after half the time, or half the steps).
/// With R replicas the same stream goes on to draw and evolve R − 1 further patches of the same
/// snapshot, each started afresh from x_t: independent estimates of one increment, which
/// `encode` averages (the first replica is the single-replica run's patch).
public struct PartialEvolution: StageSettings {
    /// The patch shape (nil: the small-system shape the snapshots were upsampled from).
    public var patchShape: [Int]?
    /// How long the patch evolves (nil: the system's default, one event per patch site for spins,
    /// one time step for fields).
    public var duration: RegionDuration?
    /// How the patch meets the frozen rest (nil: the system's reference boundary).
    public var boundary: RegionBoundary?
    /// Whether the patch is also recorded half-way, for the two-time estimator.
    public var estimator = PartialEstimator.single
    /// Independent patch evolutions per snapshot (at least 1).
    public var replicas = 1
    /// Records skipped at the start of every input trajectory (simulate input only).
    public var burnIn = 0

    public init(patchShape: [Int]? = nil) {
        self.patchShape = patchShape
    }

    /// Throws unless every setting lies in its domain (the tiling and the durations the system
    /// allows are `EvolveStage.validate`'s).
    public func validate() throws {
        if let patchShape { try SettingsError.require(!patchShape.isEmpty && patchShape.allSatisfy { $0 >= 1 }, "the patch shape must be positive; got \(patchShape)") }
        try duration?.checkRunnable()
        if case .time(let span)? = duration { try SettingsError.require(span > 0, "a patch must evolve for a positive time; got \(span)") }
        try SettingsError.require((1...4096).contains(replicas), "the replicas must be between 1 and 4096; got \(replicas)")
        try SettingsError.require(burnIn >= 0, "the burn-in must be non-negative; got \(burnIn)")
        if estimator == .richardson, let duration { _ = try PartialEvolution.halves(of: duration) }
        try SettingsError.require(!(estimator == .richardson && boundary == .roaming), "the roaming boundary records no half-way state; use the single estimator")
    }

    /// The settings with the system's defaults filled in, as recorded in the manifest.
    func configuration<System: MicroscopicSystem>(for system: System, patchShape: [Int]) -> JSONValue {
        let duration = duration ?? system.defaultRegionDuration(sites: patchShape.reduce(1, *))
        return ["patchShape": .array(patchShape.map { .number(Double($0)) }), "duration": .string(duration.description),
                "boundary": .string((boundary ?? System.referencePatchBoundary).rawValue), "estimator": .string(estimator.rawValue),
                "replicas": .number(Double(replicas))]
    }

    /// The two halves `duration` is run in for the Richardson estimator: half the time, or half the steps.
    static func halves(of duration: RegionDuration) throws -> [RegionDuration] {
        switch duration {
        case .time(let span): return [.time(span / 2), .time(span / 2)]
        case .steps(let count):
            guard count >= 2 else { throw SettingsError("the Richardson estimator needs at least 2 steps to record the patch half-way; got \(count)") }
            return [.steps(count / 2), .steps(count - count / 2)]
        }
    }
}

public enum EvolveStage: Stage {
    public static let name = "evolve"

    /// Throws unless the patches tile the snapshots' lattice and the system can run the duration.
    public static func validate(_ settings: PartialEvolution, inputs: SnapshotSource) throws {
        try inputs.checkBurnIn(settings.burnIn)
        try check(settings, for: inputs.system, patchShape: try inputs.tiling(patchShape: settings.patchShape).patchShape)
    }

    /// Evolves `settings.replicas` patches of each snapshot of `inputs` after the burn-in (every
    /// record for upsampled snapshots), recording the file, its digest, the burn-in and each start
    /// state's index as the lineage `encode` and `check-estimator` follow.
    public static func perform(_ settings: PartialEvolution, inputs: SnapshotSource, seed: UInt64, directory: URL) throws -> StageManifest {
        try perform(settings, system: inputs.system, inputs: inputs, seed: seed, directory: directory)
    }

    private static func perform<System: MicroscopicSystem>(_ settings: PartialEvolution, system: System, inputs: SnapshotSource, seed: UInt64,
                                                           directory: URL) throws -> StageManifest {
        var resolved = settings
        resolved.patchShape = try inputs.tiling(patchShape: settings.patchShape).patchShape
        let (indices, snapshots) = try inputs.selection(of: system, burnIn: settings.burnIn)
        return try partialEvolve(system, snapshots: snapshots, indices: indices, origin: SnapshotOrigin(inputs, burnIn: settings.burnIn),
                                 settings: resolved, seed: seed, inputs: [inputs.input], directory: directory)
    }

    /// Throws unless `patchShape` tiles `system`'s lattice and the system can run the duration.
    private static func check<System: MicroscopicSystem>(_ settings: PartialEvolution, for system: System, patchShape: [Int]) throws {
        _ = try Tiling(large: system.spatialShape, patch: patchShape)
        try system.validateRegion(patchShape, boundary: settings.boundary ?? System.referencePatchBoundary)
        let duration = settings.duration ?? system.defaultRegionDuration(sites: patchShape.reduce(1, *))
        try system.validate(duration)
        if settings.estimator == .richardson { _ = try PartialEvolution.halves(of: duration) }
    }

    /// Evolves `replicas` patches of every snapshot and writes `evolved.npz`, one entry per patch
    /// evolution, the R entries of snapshot j at j·R ..< (j + 1)·R: `patchBefore` and `patchAfter`
    /// `[entries, (components,) patch…]`, `patchIndex` `[entries]` (int64, I in 0..<K),
    /// `patchOrigin` `[entries, rank]` (int64), `dt` `[entries]` (float64), `replicas` (int64, 0-d)
    /// and `snapshotIndex` `[entries]` (int64, each start state's index in `origin`'s file:
    /// `indices`, default 0, 1, …); with the Richardson estimator also `patchMidway` and
    /// `dtMidway`, the patch and the time half-way; with the `roaming` boundary, whose changes are
    /// not confined to the patch, also `changeCount` `[entries]` (int64), `changedSite` and
    /// `changedValue` `[changes]` (int64 flat indices into the snapshot's values, and the values
    /// there after δt): each entry's changes in order. `origin`, recorded in the manifest, is what
    /// `encode` and `check-estimator` find the start states by.
    /// (`settings.patchShape` nil: the whole lattice is one patch.)
    @discardableResult
    public static func partialEvolve<System: MicroscopicSystem>(
        _ system: System, snapshots: [Grid<System.Site>], indices: [Int]? = nil, origin: SnapshotOrigin? = nil,
        settings: PartialEvolution, seed: UInt64, inputs: [StageManifest.Input], directory: URL
    ) throws -> StageManifest {
        guard !snapshots.isEmpty else { throw SettingsError("no snapshots to evolve") }
        try settings.validate()
        let indices = indices ?? Array(snapshots.indices)
        guard indices.count == snapshots.count else { throw SettingsError("\(indices.count) snapshot indices for \(snapshots.count) snapshots") }
        let shape = system.spatialShape, patchShape = settings.patchShape ?? shape
        try check(settings, for: system, patchShape: patchShape)
        let origins = try Tiling(large: shape, patch: patchShape).origins
        // The patches recorded (before, after, and half-way for Richardson), and their stacked copies for writing.
        try MemoryBudget.check(MemoryBudget.bytes(snapshots.count, settings.replicas, system.components, patchShape.reduce(1, *),
                                                  MemoryLayout<System.Site>.stride, settings.estimator == .richardson ? 6 : 4),
                               for: "evolve: \(snapshots.count) × \(settings.replicas) patches of \(patchShape)")
        let duration = settings.duration ?? system.defaultRegionDuration(sites: patchShape.reduce(1, *))
        let boundary = settings.boundary ?? System.referencePatchBoundary
        let legs = settings.estimator == .richardson ? try PartialEvolution.halves(of: duration) : [duration]
        let world = Communicator.world
        let stage = try world.onRoot {
            try StageRun(stage: name, directory: directory,
                         config: ["system": .object(system.configuration), "evolve": settings.configuration(for: system, patchShape: patchShape),
                                  "patches": .number(Double(origins.count)), "snapshots": origin?.json(relativeTo: directory) ?? .null],
                         seed: seed, checkedInputs: inputs, threads: ThreadCount.current, ranks: world.size)
        }
        // Groups of snapshots evolve together (`evolveRegions`), replica after replica; within a
        // group each snapshot's stream draws and evolves its patches in the order it would alone.
        // Under mpirun each rank evolves its share of the groups; the root joins them in order.
        let groups = system.regionGroups(of: snapshots.count)
        let share = world.share(of: groups.count)
        let progress = Progress("evolve patches", total: groups[share].reduce(0) { $0 + $1.count })
        let results = BLASLibrary.withSingleThread {
            parallelMap(share.count) { g in
                evolve(system, snapshots: snapshots, members: Array(groups[share.lowerBound + g]), origins: origins, settings: settings,
                       legs: legs, boundary: boundary, seed: seed, progress: progress)
            }
        }.flatMap { $0 }
        progress.finish()
        let joined = try world.gatherRows(results.isEmpty ? [] : try entryArrays(results, origins: origins, rank: shape.count,
                                                                                 midway: legs.count == 2, roaming: boundary == .roaming))
        return try world.fromRoot {
            guard let stage, let joined else { preconditionFailure("the root gathers every patch") }
            let names = ["patchBefore", "patchAfter", "patchIndex", "patchOrigin", "dt"]
            let midway = legs.count == 2 ? ["patchMidway", "dtMidway"] : []
            let changes = boundary == .roaming ? ["changeCount", "changedSite", "changedValue"] : []
            try stage.write(NPZArchive(names.map { ($0, joined[$0]!) } + [
                ("replicas", try NumPyArray([Int64(settings.replicas)], shape: [])),
                ("snapshotIndex", NumPyArray(indices.flatMap { [Int64](repeating: Int64($0), count: settings.replicas) })),
            ] + (midway + changes).map { ($0, joined[$0]!) }), as: "evolved.npz")
            return try stage.finish()
        }
    }

    /// The patch evolutions of the snapshots `members`, which evolve together, replica after
    /// replica, each snapshot on its own stream: the snapshots' entries in order.
    private static func evolve<System: MicroscopicSystem>(
        _ system: System, snapshots: [Grid<System.Site>], members: [Int], origins: [[Int]], settings: PartialEvolution,
        legs: [RegionDuration], boundary: RegionBoundary, seed: UInt64, progress: Execution.Progress
    ) -> [EvolvedEntry<System.Site>] {
        let patchShape = settings.patchShape ?? system.spatialShape
        let randoms = members.map { RandomStream(seed: seed, stage: "evolve", index: UInt64($0)) }
        var entries = [[EvolvedEntry<System.Site>]](repeating: [], count: members.count)
        for _ in 0..<settings.replicas {
            let patches = randoms.map { $0.uniformInt(origins.count) }
            var configurations = members.map { snapshots[$0] }
            // One leg, or two halves with the patch recorded between them: the waiting times are
            // memoryless, so two halves are distributed as one run over the whole span.
            var recorded = members.indices.map { [configurations[$0].patch(origin: origins[patches[$0]], size: patchShape)] }
            var times = [[Double]](repeating: [0], count: members.count)
            for leg in legs {
                let elapsed = system.evolveRegions(&configurations, origins: patches.map { origins[$0] }, size: patchShape,
                                                   for: [RegionDuration](repeating: leg, count: members.count), boundary: boundary, randoms: randoms)
                for i in members.indices {
                    times[i].append(times[i].last! + elapsed[i])
                    recorded[i].append(configurations[i].patch(origin: origins[patches[i]], size: patchShape))
                }
            }
            for (i, j) in members.enumerated() {
                entries[i].append(EvolvedEntry(recorded: recorded[i], times: times[i], patch: patches[i],
                                               changes: boundary == .roaming ? changedSites(from: snapshots[j].values, to: configurations[i].values) : []))
            }
        }
        progress.advance(by: members.count)
        return entries.flatMap { $0 }
    }

    /// The arrays of `evolved.npz` that hold one row per entry (or per change), for `results`.
    private static func entryArrays<Site: NumPyElement & Equatable>(_ results: [EvolvedEntry<Site>], origins: [[Int]], rank: Int,
                                                                   midway: Bool, roaming: Bool) throws -> [(String, NumPyArray)] {
        let last = midway ? 2 : 1
        return [
            ("patchBefore", try stackedArray(results.map { $0.recorded[0] })),
            ("patchAfter", try stackedArray(results.map { $0.recorded[last] })),
            ("patchIndex", NumPyArray(results.map { Int64($0.patch) })),
            ("patchOrigin", try NumPyArray(results.flatMap { origins[$0.patch].map(Int64.init) }, shape: [results.count, rank])),
            ("dt", NumPyArray(results.map { $0.times[last] })),
        ] + (midway ? [("patchMidway", try stackedArray(results.map { $0.recorded[1] })), ("dtMidway", NumPyArray(results.map { $0.times[1] }))] : [])
          + (roaming ? [("changeCount", NumPyArray(results.map { Int64($0.changes.count) })),
                        ("changedSite", NumPyArray(results.flatMap { $0.changes.map { Int64($0.0) } })),
                        ("changedValue", NumPyArray(results.flatMap { $0.changes.map(\.1) }))] : [])
    }

    /// One patch evolution: the patch before, (half-way,) after, the times at those records, the
    /// patch's index, and with the `roaming` boundary the sites that changed with their values after.
    private struct EvolvedEntry<Site: NumPyElement & Equatable> {
        let recorded: [Grid<Site>]
        let times: [Double]
        let patch: Int
        let changes: [(Int, Site)]
    }

    /// The sites whose values differ between `before` and `after` (arrays of one length), with their values after.
    private static func changedSites<Site: Equatable>(from before: [Site], to after: [Site]) -> [(Int, Site)] {
        var changes: [(Int, Site)] = []
        for site in before.indices where before[site] != after[site] { changes.append((site, after[site])) }
        return changes
    }
}
