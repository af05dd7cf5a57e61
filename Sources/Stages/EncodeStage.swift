import Artifacts
import Closure
import Distributed
import Execution
import Foundation
import Systems

/// The encoding stage: latent training and validation pairs from an evolve stage.
///
/// φ is either the macroscopic observables z* alone (no closure model given; Curie–Weiss has no
/// closure) or the normalised (z*, ẑ) of a trained closure autoencoder. From snapshots x_t and
/// patches x_{t,I} → x_{t+δt,I} it writes
/// - `partial.npz`: start = φ(x_t), next = φ(x_t) + φ(x_{t+δt,I}) − φ(x_{t,I}), dt — the partial estimator;
///   where the evolve stage recorded the patch half-way (Richardson estimator), the increment is
///   the two-time combination of `RichardsonWeights` instead, and `varianceFactor` [P] holds the
///   factor by which its variance exceeds a single increment's (5 for the half-way point);
/// - `naive.npz`: start = φ(x_t), next = φ(x_{t+δt,I}), dt — the naive baseline;
/// where evolve ran R replicas per snapshot, each file has one pair per snapshot, its increment,
/// next state and δt the mean over the replicas, and `varianceFactor` divided by R;
/// (both also hold `patches`, the number K of tiling patches)
/// and, given a large-system simulate stage written with `--pairs`, `validation.npz` from its true
/// one-step pairs. Each patch is paired with the snapshot it was cut from through the evolve
/// stage's lineage (`EvolveSource`). φ of a patch is the same map evaluated on the patch alone. With a closure model
/// the latents are normalised by its stored statistics (differences scale with them).
/// With control parameters (`Settings.controls`), every file also holds `controls` [P, c] (float64):
/// the named values of the system configuration of the stage the pairs come from — the evolve
/// stage's large system for `partial.npz` and `naive.npz`, the validation simulate stage's for
/// `validation.npz`, which must agree — and the manifest records the names (`config.controls`).
/// With the `sweeps` clock every δt is divided by the mean duration of one sweep (elementary step)
/// of the simulation its states come from — the small one behind the evolved snapshots, the
/// validation stage's own — and the manifest records the clock and both durations (`config.clock`,
/// `config.sweep`) and the two simulations' trajectory files among its inputs.
public enum EncodeStage: Stage {
    public static let name = "encode"

    /// The control parameters to record with every pair, and the clock of its δt.
    public struct Settings: StageSettings {
        /// Names of numbers in the system configuration (`temperature`), in order.
        public var controls: [String]
        /// The clock δt is measured in.
        public var clock: Clock

        public init(controls: [String] = [], clock: Clock = .physical) {
            self.controls = controls
            self.clock = clock
        }

        public func validate() throws {
            try ControlParameterNames.validate(controls)
        }
    }

    /// The evolve stage (with its start states), the closure model whose latents join the
    /// observables, and a large-system simulate stage with true one-step pairs for validation.
    public struct Inputs {
        public let evolve: EvolveSource
        public let closure: ClosureSource?
        public let validation: StageSource?

        /// Opens the evolve stage in `evolve` (its start states in `snapshots` if given), the
        /// train-closure stage `closure` and the simulate stage `validation`.
        public init(evolve: URL, snapshots: URL? = nil, closure: URL? = nil, validation: URL? = nil) throws {
            self.evolve = try EvolveSource(directory: evolve, snapshots: snapshots)
            self.closure = try closure.map(ClosureSource.init(directory:))
            self.validation = try validation.map(StageSource.init(directory:))
        }
    }

    /// Throws unless the closure model and the validation stage describe the evolved system
    /// (the validation stage on the whole lattice, with one-step pairs, at the same control values),
    /// and the evolve stage's system records every control parameter as a finite number.
    public static func validate(_ settings: Settings, inputs: Inputs) throws {
        let system = inputs.evolve.system
        try inputs.closure?.check(describes: system)
        let controls = try inputs.evolve.stage.controlValues(settings.controls)
        if let validation = inputs.validation {
            guard type(of: validation.system).identifier == type(of: system).identifier, validation.system.spatialShape == system.spatialShape else {
                throw LineageError(validation.directory.path, "simulates \(type(of: validation.system).identifier) on \(validation.system.spatialShape); "
                                   + "the evolved snapshots are \(type(of: system).identifier) on \(system.spatialShape)")
            }
            let validated = try validation.controlValues(settings.controls)
            guard validated == controls else {
                throw LineageError(validation.directory.path, "simulates at \(ControlParameterNames.describe(settings.controls, validated)); "
                                   + "the evolved snapshots are at \(ControlParameterNames.describe(settings.controls, controls))")
            }
            _ = try validation.output(["pairs.npz"])
        }
    }

    public static func perform(_ settings: Settings, inputs: Inputs, seed: UInt64, directory: URL) throws -> StageManifest {
        try Encoding(inputs: inputs, settings: settings, directory: directory).withLatentMap(for: inputs.evolve.system, closure: inputs.closure)
    }

    private struct Encoding: LatentMapConsumer {
        let inputs: Inputs
        let settings: Settings
        let directory: URL

        func consume<System: MicroscopicSystem>(_ system: System, _ map: LatentMap<System>) throws -> StageManifest {
            try EncodeStage.encode(system, evolve: inputs.evolve, validation: inputs.validation, settings: settings, directory: directory, map: map)
        }
    }

    /// Writes the pair files with the latent map `map`. Under mpirun the ranks share its work
    /// and rank 0 alone writes.
    fileprivate static func encode<System: MicroscopicSystem>(
        _ system: System, evolve: EvolveSource, validation: StageSource?, settings: Settings, directory: URL, map: LatentMap<System>
    ) throws -> StageManifest {
        let controls = settings.controls
        var config: [String: JSONValue] = ["system": .object(system.configuration), "latent": .array(map.names.map { .string($0) }),
                                           "normalisation": .string(map.normalisation)]
        if !controls.isEmpty { config["controls"] = .array(controls.map { .string($0) }) }
        // The physical time one unit of δt lasts: 1, or a sweep of the pairs' simulations (whose
        // trajectory files then join the inputs).
        var unit = (pairs: 1.0, validation: 1.0)
        var clockInputs: [StageManifest.Input] = []
        if settings.clock == .sweeps {
            let pairs = try RecordedInterval.sweep(of: evolve.snapshots, burnIn: evolve.origin.burnIn)
            let validated = try validation.map { try RecordedInterval.sweep(of: SnapshotSource(directory: $0.directory), burnIn: 0) }
            unit = (pairs.seconds, validated?.seconds ?? 1)
            clockInputs = ([pairs.input] + (validated.map { [$0.input] } ?? [])).filter { input in !evolve.inputs.contains { $0.sha256 == input.sha256 } }
            config["clock"] = .string(settings.clock.rawValue)
            var seconds: [String: JSONValue] = ["pairs": .number(unit.pairs)]
            if validation != nil { seconds["validation"] = .number(unit.validation) }
            config["sweep"] = .object(seconds)
        }
        let world = Communicator.world
        let stage = try world.onRoot {
            try StageRun(stage: EncodeStage.name, directory: directory, config: .object(config),
                         seed: nil, checkedInputs: evolve.inputs + map.inputs + clockInputs, threads: ThreadCount.current, ranks: world.size)
        }
        let controlValues = try evolve.stage.controlValues(controls)
        let (snapshots, evolved) = try evolve.read(system)
        let patchShape = evolved.patchShape
        let weights = try evolved.richardsonWeights(source: evolve.file.path)
        let phi = map.phi(sharedOver: world)
        let start = try phi(snapshots, system)
        let measured = try PatchMeasurement(system, snapshots: snapshots, start: start, patches: evolved, chunk: map.chunk, world: world, phi: map.phi)
        let n = map.names.count
        // One pair per snapshot: the replicas' increments, times and variance factors averaged
        // (R independent estimates: the mean's variance is 1/R of theirs).
        var partialNext: [Double] = [], naiveNext: [Double] = [], dt: [Double] = [], partialFactor: [Double] = []
        for j in 0..<snapshots.count {
            let entries = evolved.entries(ofSnapshot: j), replicas = Double(entries.count)
            func mean(_ vectors: [[Double]]) -> [Double] { (0..<n).map { k in vectors.reduce(0) { $0 + $1[k] } / replicas } }
            let estimate = mean(entries.map {
                estimatedIncrement(before: measured.before[$0], midway: measured.midway?[$0], after: measured.after[$0], weights: weights?[$0])
            })
            partialNext += zip(start[j], estimate).map { $0 + $1 }
            naiveNext += mean(entries.map { measured.patchAfter[$0] })
            dt.append(entries.reduce(0) { $0 + evolved.dt[$1] } / replicas / unit.pairs)
            partialFactor.append(entries.reduce(0) { $0 + (weights?[$1].varianceFactor ?? 1) } / (replicas * replicas))
        }
        let averaged = evolved.replicas > 1
        let patches = try Tiling(large: system.spatialShape, patch: patchShape).patches
        let partial = try pairArchive(start: start.flatMap { $0 }, next: partialNext, dt: dt, dimension: n, patches: patches,
                                      varianceFactor: weights != nil || averaged ? partialFactor : nil, controls: controlValues)
        let naive = try pairArchive(start: start.flatMap { $0 }, next: naiveNext, dt: dt, dimension: n, patches: patches,
                                    varianceFactor: averaged ? [Double](repeating: 1 / Double(evolved.replicas), count: dt.count) : nil,
                                    controls: controlValues)
        let validated = try validation.map { validation -> (StageManifest.Input, NPZArchive) in
            let pairsFile = try validation.output(["pairs.npz"])
            let pairs = try NPZArchive.read(pairsFile)
            let large = try configurations(pairs.array("before"), of: system, spatialShape: system.spatialShape, source: pairsFile.path)
            let next = try configurations(pairs.array("after"), of: system, spatialShape: system.spatialShape, source: pairsFile.path)
            return (validation.input(pairsFile),
                    try pairArchive(start: try phi(large, system).flatMap { $0 }, next: try phi(next, system).flatMap { $0 },
                                    dt: try pairs.array("dt").elements(as: Double.self).map { $0 / unit.validation }, dimension: n,
                                    controls: try validation.controlValues(controls)))
        }
        return try world.fromRoot {
            guard let stage else { preconditionFailure("the root writes the pairs") }
            try stage.write(partial, as: "partial.npz")
            try stage.write(naive, as: "naive.npz")
            if let (input, archive) = validated {
                stage.recordInput(input)
                try stage.write(archive, as: "validation.npz")
            }
            return try stage.finish()
        }
    }

    /// Pairs as written: `start`, `next`, `dt`, for estimated pairs `patches`, the number K of
    /// tiling patches (a 0-d array; `train-sde --lambda K` reads it), for two-time estimates
    /// `varianceFactor` [P], which scales each pair's covariance in the likelihood, with control
    /// parameters `controls` [P, c], the same row for every pair, and for pairs whose `next` is the
    /// increment's conditional mean its `conditionalCovariance` [P, n_z, n_z] (`GeneratorStage`).
    static func pairArchive(start: [Double], next: [Double], dt: [Double], dimension: Int, patches: Int? = nil,
                            varianceFactor: [Double]? = nil, controls: [Double] = [], conditionalCovariance: [Double]? = nil) throws -> NPZArchive {
        NPZArchive([
            ("start", try NumPyArray(start, shape: [dt.count, dimension])),
            ("next", try NumPyArray(next, shape: [dt.count, dimension])),
            ("dt", NumPyArray(dt)),
        ] + (try patches.map { [("patches", try NumPyArray([Int64($0)], shape: []))] } ?? [])
          + (varianceFactor.map { [("varianceFactor", NumPyArray($0))] } ?? [])
          + (controls.isEmpty ? [] : [("controls", try NumPyArray(dt.flatMap { _ in controls }, shape: [dt.count, controls.count]))])
          + (try conditionalCovariance.map { [("conditionalCovariance", try NumPyArray($0, shape: [dt.count, dimension, dimension]))] } ?? []))
    }
}
