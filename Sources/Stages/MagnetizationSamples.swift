import Artifacts
import Foundation
import Systems

/// Magnetization per site along independent runs of the zero-field Ising model at one size L and
/// temperature T: what the finite-size-scaling analysis (`CriticalStage`) reads from a stage.
///
/// Three kinds of stage hold them:
/// - `equilibrium` (Wolff samples): `samples.npz` `magnetization` `[runs, records]`;
/// - `simulate` of the Ising model (Glauber or heat-bath runs): `trajectories.npz` `observables`
///   `[runs, records, n_obs]`, the magnetization column;
/// both with L, T and h = 0 read from the manifest's system, and the energy per spin of every record; and
/// - `rollout` of a learned SDE: `rollouts.npz` `trajectories` `[runs, steps + 1, n_z]`, whose first
///   latent component is m, with L and T given (a rollout's manifest does not record them).
///   Runaway trajectories — non-finite, or with |m| beyond `runawayBound` somewhere — are left
///   out and counted.
public struct MagnetizationSamples: Sendable {
    /// Linear size L.
    public let size: Int
    /// Temperature T.
    public let temperature: Double
    /// Each run's magnetization series, in record order.
    public let runs: [[Double]]
    /// Each run's energy per spin at the same records, where the stage recorded it (not rollouts).
    public let energies: [[Double]]?
    /// Runs left out as runaways (rollouts only).
    public let runawayRuns: Int
    /// The |m| beyond which a rollout trajectory is a runaway: twice the physical range, which
    /// an SDE of m can overshoot a little near |m| = 1 but not unless it has left its data.
    public static let runawayBound = 2.0
    /// The file read, with its verified checksum.
    public let input: StageManifest.Input
    /// The stage directory.
    public let directory: URL

    /// Opens an `equilibrium` or Ising `simulate` stage, reading L and T from its manifest.
    public init(stage directory: URL) throws {
        let stage = try StageSource(directory: directory)
        guard let model = stage.system as? IsingModel else {
            throw ArtifactError(directory.path, "the finite-size-scaling analysis reads Ising stages; this one simulated '\(type(of: stage.system).identifier)'")
        }
        guard model.field == 0 else {
            throw ArtifactError(directory.path, "the finite-size-scaling analysis is of the zero-field model; this stage has field \(model.field)")
        }
        let file: URL, runs: [[Double]], energies: [[Double]]
        switch stage.manifest.stage {
        case EquilibriumStage.name:
            file = try stage.output([EquilibriumStage.fileName])
            let archive = try NPZArchive.read(file)
            let magnetization = try archive.array("magnetization", in: file.path), energy = try archive.array("energy", in: file.path)
            guard magnetization.shape.count == 2, energy.shape == magnetization.shape else {
                throw ArtifactError(file.path, "magnetization and energy must both be [runs, records]; got \(NumPyArray.describe(magnetization.shape)) and \(NumPyArray.describe(energy.shape))")
            }
            let (count, records) = (magnetization.shape[0], magnetization.shape[1])
            runs = MagnetizationSamples.rows(magnetization.doubleValues(), runs: count, stride: records, column: 0, count: records)
            energies = MagnetizationSamples.rows(energy.doubleValues(), runs: count, stride: records, column: 0, count: records)
        case "simulate":
            file = try stage.output(["trajectories.npz"])
            let array = try NPZArchive.read(file).array("observables", in: file.path)
            let observables = IsingModel.observableNames
            guard array.shape.count == 3, array.shape[2] == observables.count,
                  let magnetization = observables.firstIndex(of: "magnetization"), let energy = observables.firstIndex(of: "energyPerSpin") else {
                throw ArtifactError(file.path, "observables must be [runs, records, \(observables.count)]; got \(NumPyArray.describe(array.shape))")
            }
            let values = array.doubleValues()
            func column(_ index: Int) -> [[Double]] {
                MagnetizationSamples.rows(values, runs: array.shape[0], stride: array.shape[1] * array.shape[2],
                                          column: index, count: array.shape[1], step: array.shape[2])
            }
            runs = column(magnetization)
            energies = column(energy)
        default:
            throw ArtifactError(directory.path, "a '\(stage.manifest.stage)' stage holds no Ising magnetization samples (equilibrium or simulate expected; give rollouts with their size and temperature)")
        }
        guard runs.allSatisfy({ $0.allSatisfy { $0.isFinite && abs($0) <= 1 } }) else {
            throw ArtifactError(file.path, "magnetizations must be finite and within [−1, 1]")
        }
        guard energies.allSatisfy({ $0.allSatisfy { $0.isFinite && abs($0) <= 2 } }) else {
            throw ArtifactError(file.path, "energies per spin must be finite and within [−2, 2]")
        }
        try self.init(size: model.size, temperature: model.temperature, runs: runs, energies: energies, runawayRuns: 0,
                      input: stage.input(file), directory: directory)
    }

    /// Opens a `rollout` stage of a learned SDE for an L × L system at temperature T.
    public init(rollout directory: URL, size: Int, temperature: Double) throws {
        let manifest = try StageSource.finishedManifest(in: directory)
        guard manifest.stage == RolloutStage.name else {
            throw ArtifactError(directory.path, "not a rollout stage (its manifest says '\(manifest.stage)')")
        }
        let file = try StageSource.output(["rollouts.npz"], of: manifest, in: directory)
        let array = try NPZArchive.read(file).array("trajectories", in: file.path)
        guard array.shape.count == 3, array.shape[2] >= 1 else {
            throw ArtifactError(file.path, "trajectories must be [runs, steps + 1, n_z] with n_z ≥ 1; got \(NumPyArray.describe(array.shape))")
        }
        let all = MagnetizationSamples.rows(array.doubleValues(), runs: array.shape[0], stride: array.shape[1] * array.shape[2],
                                            column: 0, count: array.shape[1], step: array.shape[2])
        let kept = all.filter { $0.allSatisfy { $0.isFinite && abs($0) <= Self.runawayBound } }
        try self.init(size: size, temperature: temperature, runs: kept, energies: nil, runawayRuns: all.count - kept.count,
                      input: StageSource.input(file, of: manifest), directory: directory)
    }

    private init(size: Int, temperature: Double, runs: [[Double]], energies: [[Double]]?, runawayRuns: Int,
                 input: StageManifest.Input, directory: URL) throws {
        guard size >= 2, temperature.isFinite, temperature > 0 else {
            throw SettingsError("a sample needs a size of at least 2 and a positive temperature; got L = \(size), T = \(temperature) for \(directory.path)")
        }
        guard !runs.isEmpty, runs.allSatisfy({ !$0.isEmpty }) else {
            throw ArtifactError(input.path, "no runs with records that did not run away (\(runawayRuns) runaways)")
        }
        self.size = size
        self.temperature = temperature
        self.runs = runs
        self.energies = energies
        self.runawayRuns = runawayRuns
        self.input = input
        self.directory = directory
    }

    /// The samples of `group`, all at one (L, T), as one: every run of each, in order (independent
    /// runs, e.g. the rollouts of several SDE seeds), with energies where every member has them;
    /// named by the first member's directory and file.
    public static func pooled(_ group: [MagnetizationSamples]) throws -> MagnetizationSamples {
        guard let first = group.first, group.allSatisfy({ $0.size == first.size && $0.temperature == first.temperature }) else {
            preconditionFailure("pooled samples share one (L, T)")
        }
        guard group.count > 1 else { return first }
        let energies = group.allSatisfy { $0.energies != nil } ? group.flatMap { $0.energies ?? [] } : nil
        return try MagnetizationSamples(size: first.size, temperature: first.temperature, runs: group.flatMap(\.runs), energies: energies,
                                        runawayRuns: group.reduce(0) { $0 + $1.runawayRuns }, input: first.input, directory: first.directory)
    }

    /// `runs` series of `count` values read from a flat array: run r's k-th value at r·stride + k·step + column.
    private static func rows(_ values: [Double], runs: Int, stride: Int, column: Int, count: Int, step: Int = 1) -> [[Double]] {
        (0..<runs).map { run in (0..<count).map { values[run * stride + $0 * step + column] } }
    }
}
