import Artifacts
import Execution
import Foundation
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
public struct PartialEvolution: Sendable {
    public var patchShape: [Int]
    /// How long the patch evolves (nil: the system's default, one event per patch site for spins,
    /// one time step for fields).
    public var duration: RegionDuration?
    /// How the patch meets the frozen rest (nil: the system's reference boundary).
    public var boundary: RegionBoundary?
    /// Whether the patch is also recorded half-way, for the two-time estimator.
    public var estimator = PartialEstimator.single
    /// Independent patch evolutions per snapshot (at least 1).
    public var replicas = 1

    public init(patchShape: [Int]) {
        self.patchShape = patchShape
    }

    /// The settings with the system's defaults filled in, as recorded in the manifest.
    func configuration<System: MicroscopicSystem>(for system: System) -> JSONValue {
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
            guard count >= 2 else { throw ConfigurationError("the Richardson estimator needs at least 2 steps to record the patch half-way; got \(count)") }
            return [.steps(count / 2), .steps(count - count / 2)]
        }
    }
}

public enum EvolveStage {
    /// Evolves `settings.replicas` patches of each snapshot of `source` after `burnIn` (every
    /// record for upsampled snapshots), recording the file, its digest, the burn-in and each start state's index as
    /// the lineage `encode` and `check-estimator` follow.
    @discardableResult
    public static func run<System: MicroscopicSystem>(
        _ system: System, source: SnapshotSource, burnIn: Int, settings: PartialEvolution, seed: UInt64, directory: URL
    ) throws -> StageManifest {
        let (indices, snapshots) = try source.selection(of: system, burnIn: burnIn)
        return try run(system, snapshots: snapshots, indices: indices, origin: SnapshotOrigin(source, burnIn: burnIn),
                       settings: settings, seed: seed, inputs: [source.input], directory: directory)
    }

    /// Evolves `replicas` patches of every snapshot and writes `evolved.npz`, one entry per patch
    /// evolution, the R entries of snapshot j at j·R ..< (j + 1)·R: `patchBefore` and `patchAfter`
    /// `[entries, (components,) patch…]`, `patchIndex` `[entries]` (int64, I in 0..<K),
    /// `patchOrigin` `[entries, rank]` (int64), `dt` `[entries]` (float64), `replicas` (int64, 0-d)
    /// and `snapshotIndex` `[entries]` (int64, each start state's index in `origin`'s file:
    /// `indices`, default 0, 1, …); with the Richardson estimator also `patchMidway` and
    /// `dtMidway`, the patch and the time half-way. `origin`, recorded in the manifest, is what
    /// `encode` and `check-estimator` find the start states by.
    @discardableResult
    public static func run<System: MicroscopicSystem>(
        _ system: System, snapshots: [Grid<System.Site>], indices: [Int]? = nil, origin: SnapshotOrigin? = nil,
        settings: PartialEvolution, seed: UInt64, inputs: [StageManifest.Input], directory: URL
    ) throws -> StageManifest {
        guard !snapshots.isEmpty else { throw ConfigurationError("no snapshots to evolve") }
        guard settings.replicas >= 1 else { throw ConfigurationError("replicas must be at least 1; got \(settings.replicas)") }
        let indices = indices ?? Array(snapshots.indices)
        guard indices.count == snapshots.count else { throw ConfigurationError("\(indices.count) snapshot indices for \(snapshots.count) snapshots") }
        let shape = system.spatialShape
        let origins = try Tiling(large: shape, patch: settings.patchShape).origins
        let duration = settings.duration ?? system.defaultRegionDuration(sites: settings.patchShape.reduce(1, *))
        try system.validate(duration)
        let boundary = settings.boundary ?? System.referencePatchBoundary
        let legs = settings.estimator == .richardson ? try PartialEvolution.halves(of: duration) : [duration]
        let stage = try StageRun(stage: "evolve", directory: directory,
                                 config: ["system": .object(system.configuration), "evolve": settings.configuration(for: system),
                                          "patches": .number(Double(origins.count)), "snapshots": origin?.json(relativeTo: directory) ?? .null],
                                 seed: seed, checkedInputs: inputs, threads: ThreadCount.current)
        let progress = Progress("evolve patches", total: snapshots.count)
        let perSnapshot = parallelMap(snapshots.count) { j in
            let random = RandomStream(seed: seed, stage: "evolve", index: UInt64(j))
            let replicas = (0..<settings.replicas).map { _ in
                let patch = random.uniformInt(origins.count)
                var configuration = snapshots[j]
                // One leg, or two halves with the patch recorded between them: the waiting times are
                // memoryless, so two halves are distributed as one run over the whole span.
                var recorded = [configuration.patch(origin: origins[patch], size: settings.patchShape)]
                var times = [0.0]
                for leg in legs {
                    times.append(times.last! + system.evolveRegion(&configuration, origin: origins[patch], size: settings.patchShape,
                                                                   for: leg, boundary: boundary, random: random))
                    recorded.append(configuration.patch(origin: origins[patch], size: settings.patchShape))
                }
                return (recorded: recorded, times: times, patch: patch)
            }
            progress.advance()
            return replicas
        }
        let results = perSnapshot.flatMap { $0 }
        progress.finish()
        let midway: [(String, NumPyArray)] = legs.count == 2
            ? [("patchMidway", try stackedArray(results.map { $0.recorded[1] })), ("dtMidway", NumPyArray(results.map { $0.times[1] }))]
            : []
        try stage.write(NPZArchive([
            ("patchBefore", try stackedArray(results.map { $0.recorded[0] })),
            ("patchAfter", try stackedArray(results.map { $0.recorded[legs.count] })),
            ("patchIndex", NumPyArray(results.map { Int64($0.patch) })),
            ("patchOrigin", try NumPyArray(results.flatMap { origins[$0.patch].map(Int64.init) }, shape: [results.count, shape.count])),
            ("dt", NumPyArray(results.map { $0.times[legs.count] })),
            ("replicas", try NumPyArray([Int64(settings.replicas)], shape: [])),
            ("snapshotIndex", NumPyArray(indices.flatMap { [Int64](repeating: Int64($0), count: settings.replicas) })),
        ] + midway), as: "evolved.npz")
        return try stage.finish()
    }
}
