import Artifacts
import Execution
import Foundation
import Systems

/// The generator stage: latent pairs from the instantaneous moments of each snapshot's dynamics,
/// with no evolution at all.
///
/// For a system whose dynamics are jumps with known rates (`ObservableGenerator`: Ising under
/// Glauber dynamics), the drift b(x) and covariance rate a(x) of the macroscopic observables at a
/// snapshot x follow from its event rates exactly. Each snapshot gives one pair with start = z(x),
/// next = z(x) + b(x)δt — the increment's conditional mean over a step δt — and
/// `conditionalCovariance` = a(x)δt, to which the likelihood fits the diffusion while it weighs the
/// drift's residual by it (`GaussianLikelihood`). The moments are the whole lattice's, so the pairs record
/// K = 1 patch: λ = K is λ = 1. It is the δt → 0 limit of the partial estimator with all patches
/// evolved and averaged: no finite-δt bias and none of the dynamics' noise (Docs/ESTIMATOR.md,
/// *The generator*).
///
/// With `observables` the latent keeps those of the macroscopic observables alone (their marginal
/// moments: the projected generator of those alone). Writes `generator.npz`: `start`, `next`
/// [P, n_z], `dt` [P], `patches` (0-d, 1) and
/// `conditionalCovariance` [P, n_z, n_z], float64, one pair per snapshot (after `burnIn` records
/// of every run for a simulate stage). The manifest records the system and the latent names, as
/// encode's does, so train-sde and rollout read the pairs like encoded ones.
public enum GeneratorStage: Stage {
    public static let name = "generator"

    /// The step of the pairs, the records to skip and the observables to keep.
    public struct Settings: StageSettings {
        /// δt of every pair: the moments are rates, so it sets only the drift term's weight in the
        /// likelihood and the model's training step (the longest substep of its rollouts).
        public var dt: Double
        /// Records skipped at the start of every run of a simulate stage.
        public var burnIn: Int
        /// The macroscopic observables the latent keeps, in the system's order (empty: all of them).
        /// The moments of a subset are the marginal ones: the projected generator of those alone.
        public var observables: [String]

        public init(dt: Double = 1, burnIn: Int = 0, observables: [String] = []) {
            self.dt = dt
            self.burnIn = burnIn
            self.observables = observables
        }

        public func validate() throws {
            try SettingsError.require(dt.isFinite && dt > 0, "dt must be a positive finite number, got \(dt)")
            try SettingsError.require(burnIn >= 0, "burn-in must be at least 0, got \(burnIn)")
            try SettingsError.require(Set(observables).count == observables.count, "observables must not repeat; got \(observables)")
        }

        /// The indices of the kept observables among `all`, in the system's order.
        func kept(of all: [String]) throws -> [Int] {
            if let unknown = observables.first(where: { !all.contains($0) }) {
                throw SettingsError("no macroscopic observable '\(unknown)'; the system has \(all.joined(separator: ", "))")
            }
            return all.indices.filter { observables.isEmpty || observables.contains(all[$0]) }
        }
    }

    /// The snapshots: an upsample stage's, or a simulate stage's records.
    public struct Inputs {
        public let snapshots: SnapshotSource

        /// Opens the upsample or simulate stage in `snapshots`.
        public init(snapshots: URL) throws {
            self.snapshots = try SnapshotSource(directory: snapshots)
        }
    }

    /// Throws unless the snapshots' system has a generator of its dynamics and the burn-in leaves
    /// records (a burn-in applies to a simulate stage's runs only).
    public static func validate(_ settings: Settings, inputs: Inputs) throws {
        try inputs.snapshots.checkBurnIn(settings.burnIn)
        _ = try settings.kept(of: type(of: inputs.snapshots.system).macroscopicObservables)
        let system = inputs.snapshots.system
        guard let generating = system as? any ObservableGenerator else {
            throw LineageError(inputs.snapshots.stage.directory.path, "holds \(type(of: system).identifier) snapshots; "
                               + "the generator of the dynamics is known for Ising with Glauber dynamics only — use evolve and encode")
        }
        try generating.validateGenerator()
    }

    public static func perform(_ settings: Settings, inputs: Inputs, seed: UInt64, directory: URL) throws -> StageManifest {
        guard let system = inputs.snapshots.system as? any ObservableGenerator else { preconditionFailure("checked by validate") }
        return try pairs(system, settings: settings, snapshots: inputs.snapshots, directory: directory)
    }

    /// Writes one pair per snapshot of `system` (the cost of about one encoding; under mpirun on
    /// rank 0 alone, like every command that is not collective).
    private static func pairs<System: ObservableGenerator>(_ system: System, settings: Settings, snapshots: SnapshotSource,
                                                           directory: URL) throws -> StageManifest {
        let map = try LatentMap.observables(system)
        let kept = try settings.kept(of: map.names), names = kept.map { map.names[$0] }
        let config: [String: JSONValue] = ["system": .object(system.configuration), "latent": .array(names.map { .string($0) }),
                                           "normalisation": .string(map.normalisation), "dt": .number(settings.dt),
                                           "burnIn": .number(Double(settings.burnIn))]
        let stage = try StageRun(stage: name, directory: directory, config: .object(config), seed: nil, checkedInputs: [snapshots.input],
                                 threads: ThreadCount.current)
        let states = try snapshots.snapshots(of: system, burnIn: settings.burnIn)
        let start = try map.phi(states, system).map { z in kept.map { z[$0] } }
        let all = map.names.count, dt = settings.dt
        let moments = parallelMap(states.count) { j -> (drift: [Double], covariance: [Double]) in
            let moment = system.observableMoments(at: states[j])
            return (kept.map { moment.drift[$0] }, kept.flatMap { i in kept.map { moment.covariance[i * all + $0] } })
        }
        let next = zip(start, moments).flatMap { z, moment in zip(z, moment.drift).map { $0 + $1 * dt } }
        let archive = try EncodeStage.pairArchive(start: start.flatMap { $0 }, next: next, dt: [Double](repeating: dt, count: states.count),
                                                  dimension: kept.count, patches: 1,
                                                  conditionalCovariance: moments.flatMap { $0.covariance.map { $0 * dt } })
        try stage.write(archive, as: "generator.npz")
        return try stage.finish()
    }
}
