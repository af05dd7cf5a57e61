import Artifacts
import Distributed
import Execution
import Foundation
import Linalg
import Random
import Systems

/// Hierarchical upsampling: builds large-system snapshots from small-system ones.
///
/// Level 0 is the pool of small snapshots. Each level draws `snapshots` configurations from the
/// previous level's pool (uniformly, with replacement), upsamples each by `factor` along every
/// axis (or by the level's own factor in `factors`) and heals the artificial block structure by
/// LocalRelax: the microscopic dynamics run in windows of `window` sites per axis, placed every
/// `stride` sites (wrapping around periodic systems), visited in a fixed order, for
/// `relaxDuration` each. With as many levels as it
/// takes to reach `targetShape`; with none (small = large) snapshots are simply drawn.
/// Snapshot j of level ℓ draws its randomness from stream (seed, "upsample-ℓ", j).
public struct Upsampling: StageSettings {
    public var targetShape: [Int]
    public var snapshots: Int
    public var factor = 2
    /// The factor of each level, first level first (`[2, 3]`: 16 → 32 → 96), which must reach the
    /// target exactly (a factor 1 is no level); nil: `factor` at every level.
    public var factors: [Int]?
    public var window = 16
    public var stride = 8
    /// Dynamics per window (nil: the system's default, one event per site for spins); `.steps(0)`
    /// turns LocalRelax off.
    public var relaxDuration: RegionDuration?
    public var boundary = RegionBoundary.periodicWindow
    /// Extra configurations from the system's own initial condition (random magnetization for
    /// spins), appended at the last level (reference option) and relaxed like the others unless
    /// `appendRelaxDuration` says otherwise; with no level, by evolving the whole lattice.
    public var appendInitial = 0
    /// LocalRelax of the appended configurations (nil: as the upsampled ones). They have no block
    /// structure to heal, and a long relaxation carries them to the states the others cover
    /// already; a short one keeps the far-from-equilibrium states test trajectories start from.
    public var appendRelaxDuration: RegionDuration?
    /// Relax each appended configuration for a fraction u² of the appended duration instead, u
    /// uniform in [0, 1), so that they cover the whole relaxation from the random initial state:
    /// states hardly relaxed, like the first records of test trajectories, and states whose local
    /// structure has healed at magnetizations the small runs never visit. Squaring puts half of
    /// them in the first quarter of the time, where the local structure changes fastest.
    public var appendRelaxSpread = false
    /// Records the caller skipped at the start of every input trajectory to make the pool
    /// (recorded in the manifest with the other settings).
    public var burnIn = 0

    public init(targetShape: [Int], snapshots: Int) {
        self.targetShape = targetShape
        self.snapshots = snapshots
    }

    /// Throws unless every setting lies in its domain (what the snapshots' system allows is
    /// `UpsampleStage.validate`'s).
    public func validate() throws {
        try SettingsError.require(!targetShape.isEmpty && targetShape.allSatisfy { $0 >= 1 }, "the target shape must be positive; got \(targetShape)")
        try SettingsError.require((1...100_000_000).contains(snapshots), "the snapshots must be between 1 and 10⁸; got \(snapshots)")
        try SettingsError.require(factor >= 2, "the upsampling factor must be at least 2; got \(factor)")
        if let factors {
            try SettingsError.require(!factors.isEmpty && factors.allSatisfy { (1...1024).contains($0) },
                                      "the upsampling factors must be between 1 and 1024; got \(factors)")
        }
        try SettingsError.require(window >= 1 && stride >= 1, "the LocalRelax window and stride must be at least 1; got \(window), \(stride)")
        try SettingsError.require((0...100_000_000).contains(appendInitial) && burnIn >= 0, "the appended configurations and the burn-in must be non-negative (at most 10⁸ appended)")
        for (name, duration) in [("the LocalRelax duration", relaxDuration), ("the appended configurations' LocalRelax duration", appendRelaxDuration)] {
            try SettingsError.require(duration?.isValid ?? true, "\(name) must be a non-negative number of steps or a finite non-negative time; got \(duration.map(\.description) ?? "")")
        }
    }

    /// The resolved settings, as recorded in the manifest.
    public var configuration: JSONValue {
        ["targetShape": .array(targetShape.map { .number(Double($0)) }), "snapshots": .number(Double(snapshots)),
         "factor": factors.map { .array($0.map { .number(Double($0)) }) } ?? .number(Double(factor)),
         "window": .number(Double(window)), "stride": .number(Double(stride)),
         "relax": relaxDuration.map { .string($0.description) } ?? "default", "boundary": .string(boundary.rawValue),
         "appendInitial": .number(Double(appendInitial)),
         "appendRelax": appendRelaxDuration.map { .string($0.description) } ?? "as the others",
         "appendRelaxSpread": .bool(appendRelaxSpread), "burnIn": .number(Double(burnIn))]
    }

    /// The factor of every level that grows `shape` to the target (none when they are equal), or an
    /// error saying why it cannot be done.
    public func levelFactors(from shape: [Int]) throws -> [Int] {
        if let factors { return try Tiling.upsamplingFactors(from: shape, to: targetShape, factors: factors) }
        return [Int](repeating: factor, count: try Tiling.upsamplingLevels(from: shape, to: targetShape, factor: factor))
    }

    /// The LocalRelax duration per window: `chosen`, else `relaxDuration`, else the system's default
    /// for a window — or, with `wholeLattice`, for the whole lattice, the one window there is.
    func windowDuration<System: MicroscopicSystem>(_ chosen: RegionDuration?, system: System, wholeLattice: Bool = false) -> RegionDuration {
        let sites = wholeLattice ? targetShape.reduce(1, *) : Int(pow(Double(window), Double(targetShape.count)))
        return chosen ?? relaxDuration ?? system.defaultRegionDuration(sites: sites)
    }

    /// LocalRelax of configurations of one shape, configuration i with `randoms[i]` for
    /// `durations[i]` per window (none for a duration of zero): every window in a fixed order, the
    /// windows at one origin of all the configurations evolved together (`evolveRegions`). A
    /// configuration's windows overlap, so they follow one another; its stream is drawn from as
    /// when it is relaxed alone. With `wholeLattice` there is one window, the whole lattice,
    /// evolved by the system's own dynamics (periodic where the lattice is): the relaxation of
    /// appended configurations when there is no upsampling level and so no window size.
    func relax<System: MicroscopicSystem>(_ configurations: inout [Grid<System.Site>], system: System, randoms: [RandomStream],
                                          for durations: [RegionDuration], wholeLattice: Bool = false) {
        let relaxed = durations.indices.filter { durations[$0] != .steps(0) && durations[$0] != .time(0) }
        guard let shape = relaxed.first.map({ configurations[$0].spatialShape }) else { return }
        // The relaxed configurations move into the batch and back, so that evolving them copies nothing.
        var batch = relaxed.map { configurations[$0] }
        for i in relaxed { configurations[i].values = [] }
        let size = wholeLattice ? shape : [Int](repeating: window, count: shape.count)
        let origins = wholeLattice ? [[Int](repeating: 0, count: shape.count)] : windowOrigins(of: shape, periodic: System.isPeriodic)
        for origin in origins {
            _ = system.evolveRegions(&batch, origins: [[Int]](repeating: origin, count: batch.count), size: size, for: relaxed.map { durations[$0] },
                                     boundary: wholeLattice ? .periodicWindow : boundary, randoms: relaxed.map { randoms[$0] })
        }
        for (k, i) in relaxed.enumerated() { configurations[i] = batch[k] }
    }

    /// Window origins in C order: every `stride` sites (wrapping) on periodic grids, and only
    /// windows that fit on grids with ends.
    func windowOrigins(of shape: [Int], periodic: Bool) -> [[Int]] {
        var origins: [[Int]] = [[]]
        for extent in shape {
            let starts = periodic ? Array(Swift.stride(from: 0, to: extent, by: stride))
                                  : Array(Swift.stride(from: 0, through: max(extent - window, 0), by: stride))
            origins = origins.flatMap { prefix in starts.map { prefix + [$0] } }
        }
        return origins
    }
}

public enum UpsampleStage: Stage {
    public static let name = "upsample"

    /// Throws unless the snapshots of `inputs` can be upsampled as `settings` say: a target reached
    /// by levels of the factor, a window that fits, durations the system can run. (Whether the
    /// burn-in leaves records is known once the states are read, before the stage opens.)
    public static func validate(_ settings: Upsampling, inputs: SnapshotSource) throws {
        _ = try check(settings, for: inputs.system)
    }

    /// Upsamples the snapshots of `inputs` (every record after the burn-in for a simulate stage).
    public static func perform(_ settings: Upsampling, inputs: SnapshotSource, seed: UInt64, directory: URL) throws -> StageManifest {
        try perform(settings, system: inputs.system, inputs: inputs, seed: seed, directory: directory)
    }

    private static func perform<System: MicroscopicSystem>(_ settings: Upsampling, system: System, inputs: SnapshotSource, seed: UInt64,
                                                           directory: URL) throws -> StageManifest {
        try upsample(system, pool: try inputs.snapshots(of: system, burnIn: settings.burnIn), settings: settings, seed: seed,
                     inputs: [inputs.input], directory: directory)
    }

    /// The factors of the levels `settings` takes from `system`'s shape, or an error saying why it cannot be done.
    private static func check<System: MicroscopicSystem>(_ settings: Upsampling, for system: System) throws -> [Int] {
        let factors = try settings.levelFactors(from: system.spatialShape)
        // Windows can be as large as the target: the durations are checked on the large system.
        let large = system.resized(to: settings.targetShape)
        for duration in [settings.relaxDuration, settings.appendRelaxDuration].compactMap({ $0 }) { try large.validate(duration) }
        if !factors.isEmpty, let smallest = settings.targetShape.min() {
            try SettingsError.require(settings.window <= smallest, "the LocalRelax window \(settings.window) is larger than the target \(settings.targetShape)")
            try large.validateRegion([Int](repeating: settings.window, count: settings.targetShape.count), boundary: settings.boundary)
        }
        return factors
    }

    /// Runs hierarchical upsampling of `pool` (snapshots of `system`) and writes `snapshots.npz`
    /// (`states` `[snapshots, …]`, `parent` `[snapshots]`: the index in the previous level's pool,
    /// −1 for appended configurations) with a manifest.
    @discardableResult
    public static func upsample<System: MicroscopicSystem>(
        _ system: System, pool: [Grid<System.Site>], settings: Upsampling, seed: UInt64,
        inputs: [StageManifest.Input], directory: URL
    ) throws -> StageManifest {
        guard !pool.isEmpty else { throw SettingsError("the snapshot pool is empty") }
        try settings.validate()
        let factors = try check(settings, for: system), levels = factors.count
        let large = system.resized(to: settings.targetShape)
        // Two levels' snapshots at once, and their stacked copy for writing.
        try MemoryBudget.check(MemoryBudget.bytes(settings.snapshots + settings.appendInitial, large.components, settings.targetShape.reduce(1, *),
                                                  MemoryLayout<System.Site>.stride, 3),
                               for: "upsample: \(settings.snapshots + settings.appendInitial) snapshots of \(settings.targetShape)")
        // Under mpirun each rank draws and relaxes its share of every level's groups, every rank
        // gets the whole level (the next level draws from it), and rank 0 writes.
        let world = Communicator.world
        let stage = try world.onRoot {
            try StageRun(stage: name, directory: directory,
                         config: ["system": .object(large.configuration), "upsample": settings.configuration,
                                  "smallShape": .array(system.spatialShape.map { .number(Double($0)) })],
                         seed: seed, checkedInputs: inputs, threads: ThreadCount.current, ranks: world.size)
        }

        var current = pool
        var parents = [Int](repeating: 0, count: settings.snapshots)
        // One pass per level; a single pass that only draws when no upsampling is needed.
        for level in 1...max(levels, 1) {
            let scale = factors.prefix(level).reduce(1, *)
            let levelSystem = system.resized(to: system.spatialShape.map { $0 * scale })
            let progress = Progress(levels == 0 ? "draw snapshots" : "upsample level \(level)/\(levels)", total: settings.snapshots)
            let previous = current
            // Groups of snapshots are relaxed together (`Upsampling.relax`), each drawing from its own stream.
            let groups = levelSystem.regionGroups(of: settings.snapshots)
            let share = world.share(of: groups.count)
            let drawn = BLASLibrary.withSingleThread {
                parallelMap(share.count) { g in
                    let randoms = groups[share.lowerBound + g].map { RandomStream(seed: seed, stage: "upsample-\(level)", index: UInt64($0)) }
                    var parents: [Int] = []
                    var configurations = randoms.map { random in
                        var parent: Int?
                        func draw() -> Grid<System.Site> {
                            let index = random.uniformInt(previous.count)
                            parent = parent ?? index
                            return previous[index]
                        }
                        let configuration = levels > 0 ? system.upsample(factor: factors[level - 1], random: random, draw: draw) : draw()
                        parents.append(parent!)
                        return configuration
                    }
                    if levels > 0 {
                        settings.relax(&configurations, system: levelSystem, randoms: randoms,
                                       for: [RegionDuration](repeating: settings.windowDuration(nil, system: levelSystem), count: randoms.count))
                    }
                    progress.advance(by: randoms.count)
                    return Array(zip(configurations, parents))
                }.flatMap { $0 }
            }
            progress.finish()
            current = try world.allGather(configurations: drawn.map(\.0), of: levelSystem)
            parents = world.allGather(rows: drawn.map { [Double($0.1)] }, width: 1).map { Int($0[0]) }
        }

        if settings.appendInitial > 0 {
            let progress = Progress("append initial configurations", total: settings.appendInitial)
            let groups = large.regionGroups(of: settings.appendInitial)
            let share = world.share(of: groups.count)
            current += try world.allGather(configurations: BLASLibrary.withSingleThread {
                parallelMap(share.count) { g in
                    let members = groups[share.lowerBound + g]
                    let randoms = members.map { RandomStream(seed: seed, stage: "upsample-append", index: UInt64($0)) }
                    var configurations = zip(members, randoms).map { j, random in large.initialConfiguration(run: j, random: random).configuration }
                    let duration = settings.windowDuration(settings.appendRelaxDuration, system: large, wholeLattice: levels == 0)
                    settings.relax(&configurations, system: large, randoms: randoms,
                                   for: randoms.map { settings.appendRelaxSpread ? duration.spread(random: $0) : duration }, wholeLattice: levels == 0)
                    progress.advance(by: randoms.count)
                    return configurations
                }.flatMap { $0 }
            }, of: large)
            progress.finish()
            parents += [Int](repeating: -1, count: settings.appendInitial)
        }

        return try world.fromRoot {
            guard let stage else { preconditionFailure("the root writes the snapshots") }
            try stage.write(NPZArchive([
                ("states", try stackedArray(current)),
                ("parent", NumPyArray(parents.map(Int64.init))),
            ]), as: "snapshots.npz")
            return try stage.finish()
        }
    }
}

private extension RegionDuration {
    /// This duration scaled by u², u uniform in [0, 1) (a number of steps rounded down).
    func spread(random: RandomStream) -> RegionDuration {
        let u = random.uniform()
        switch self {
        case .time(let span): return .time(span * u * u)
        case .steps(let count): return .steps(Int(Double(count) * u * u))
        }
    }
}
