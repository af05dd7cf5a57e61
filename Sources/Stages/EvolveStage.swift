import Artifacts
import Execution
import Foundation
import Random
import Systems

/// Partial evolution: for every large snapshot, evolve one uniformly chosen tiling patch alone.
///
/// The lattice is tiled by K non-overlapping patches of `patchShape` (in C order); snapshot j
/// draws patch I uniformly from stream (seed, "evolve", j) and runs the dynamics inside it for
/// `duration` (`boundary` says how it meets the frozen rest), recording the patch before
/// and after, I, and the elapsed time δt (random for kinetic Monte Carlo). With the Richardson
/// estimator the patch is also recorded half-way (after half the time, or half the steps).
public struct PartialEvolution: Sendable {
    public var patchShape: [Int]
    /// How long the patch evolves (nil: the system's default, one event per patch site for spins,
    /// one time step for fields).
    public var duration: RegionDuration?
    /// How the patch meets the frozen rest (nil: the system's reference boundary).
    public var boundary: RegionBoundary?
    /// Whether the patch is also recorded half-way, for the two-time estimator.
    public var estimator = PartialEstimator.single

    public init(patchShape: [Int]) {
        self.patchShape = patchShape
    }

    /// The settings with the system's defaults filled in, as recorded in the manifest.
    func configuration<System: MicroscopicSystem>(for system: System) -> JSONValue {
        let duration = duration ?? system.defaultRegionDuration(sites: patchShape.reduce(1, *))
        return ["patchShape": .array(patchShape.map { .number(Double($0)) }), "duration": .string(duration.description),
                "boundary": .string((boundary ?? System.referencePatchBoundary).rawValue), "estimator": .string(estimator.rawValue)]
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
    /// Evolves one patch of every snapshot and writes `evolved.npz`: `patchBefore` and `patchAfter`
    /// `[snapshots, (components,) patch…]`, `patchIndex` `[snapshots]` (int64, I in 0..<K),
    /// `patchOrigin` `[snapshots, rank]` (int64) and `dt` `[snapshots]` (float64); with the
    /// Richardson estimator also `patchMidway` and `dtMidway`, the patch and the time half-way.
    @discardableResult
    public static func run<System: MicroscopicSystem>(
        _ system: System, snapshots: [Grid<System.Site>], settings: PartialEvolution, seed: UInt64,
        inputs: [StageManifest.Input], directory: URL
    ) throws -> StageManifest {
        guard !snapshots.isEmpty else { throw ConfigurationError("no snapshots to evolve") }
        let shape = system.spatialShape
        guard settings.patchShape.count == shape.count,
              zip(shape, settings.patchShape).allSatisfy({ $1 >= 1 && $0 % $1 == 0 }) else {
            throw ConfigurationError("patch \(settings.patchShape) does not tile the lattice \(shape)")
        }
        let origins = Grid<System.Site>.tilingOrigins(of: shape, patchSize: settings.patchShape)
        let duration = settings.duration ?? system.defaultRegionDuration(sites: settings.patchShape.reduce(1, *))
        try system.validate(duration)
        let boundary = settings.boundary ?? System.referencePatchBoundary
        let legs = settings.estimator == .richardson ? try PartialEvolution.halves(of: duration) : [duration]
        let stage = try StageRun(stage: "evolve", directory: directory,
                                 config: ["system": .object(system.configuration), "evolve": settings.configuration(for: system),
                                          "patches": .number(Double(origins.count))],
                                 seed: seed, checkedInputs: inputs, threads: ThreadCount.current)
        let progress = Progress("evolve patches", total: snapshots.count)
        let results = parallelMap(snapshots.count) { j in
            let random = RandomStream(seed: seed, stage: "evolve", index: UInt64(j))
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
            progress.advance()
            return (recorded: recorded, times: times, patch: patch)
        }
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
        ] + midway), as: "evolved.npz")
        return try stage.finish()
    }
}
