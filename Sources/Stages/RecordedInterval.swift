import Artifacts
import Foundation
import Systems

/// The mean time between two records of the simulation that snapshots come from: the unit of
/// `upsample --relax-records` and `evolve --time-records`, so that one set of options serves every
/// temperature (a recorded step of the alloy, N hops, lasts about 1.4e-9 s at 2000 K and 2.9e-10 s
/// at 3000 K); divided by the steps per record, the sweep of `encode --clock sweeps`.
public enum RecordedInterval {
    /// The mean interval between consecutive records of the simulation behind `source`, over every
    /// run and every record after the burn-in that selected the snapshots: `burnIn` when `source`
    /// is the simulation, else the burn-in recorded by the upsample stage that read it, found by
    /// following each upsample stage's input back to the simulation.
    public static func seconds(of source: SnapshotSource, burnIn: Int) throws -> Double {
        let (simulation, burnIn) = try simulation(behind: source, burnIn: burnIn)
        return try recordedSeconds(in: simulation, burnIn: burnIn)
    }

    /// The mean duration of one sweep (elementary step) of the simulation behind `source`: the
    /// recorded interval divided by its steps per record, with that simulation's trajectory file
    /// for the reader's manifest (the unit of `encode --clock sweeps`).
    public static func sweep(of source: SnapshotSource, burnIn: Int) throws -> (seconds: Double, input: StageManifest.Input) {
        let (simulation, burnIn) = try simulation(behind: source, burnIn: burnIn)
        return (sweep(recordedInterval: try recordedSeconds(in: simulation, burnIn: burnIn), of: simulation.system), simulation.input)
    }

    /// The mean duration of one sweep of a simulation of `system` whose records lie
    /// `recordedInterval` apart on average: a record is `stepsPerRecord` sweeps.
    public static func sweep(recordedInterval: Double, of system: any MicroscopicSystem) -> Double {
        recordedInterval / Double(system.stepsPerRecord)
    }

    /// The simulate stage behind `source` and the burn-in that selected its records, found by
    /// following each upsample stage's recorded input (whose digest must match) back to it.
    private static func simulation(behind source: SnapshotSource, burnIn: Int) throws -> (SnapshotSource, Int) {
        var source = source, burnIn = burnIn
        var visited: Set<String> = []
        while source.stage.manifest.stage == "upsample" {
            let directory = source.stage.directory.standardizedFileURL
            guard visited.insert(directory.path).inserted, let input = source.stage.manifest.inputs.first,
                  case .object(let config) = source.stage.manifest.config, case .object(let upsample)? = config["upsample"],
                  case .number(let recordedBurnIn)? = upsample["burnIn"] else {
                throw LineageError(directory.path, "the upsample manifest records no input and burn-in to find the simulation's recorded times by")
            }
            burnIn = Int(recordedBurnIn)
            source = try SnapshotSource(directory: RelativePath.resolve(input.path, in: directory).deletingLastPathComponent())
            guard source.input.sha256 == input.sha256 else {
                throw LineageError(source.file.path, "is not the file the upsample stage \(directory.path) read (SHA-256 \(source.input.sha256.prefix(12))…, recorded \(input.sha256.prefix(12))…)")
            }
        }
        return (source, burnIn)
    }

    /// The mean recorded interval of the simulate stage `source` after `burnIn` records.
    private static func recordedSeconds(in source: SnapshotSource, burnIn: Int) throws -> Double {
        guard source.file.lastPathComponent == "trajectories.npz" else {
            throw LineageError(source.stage.directory.path, "stage '\(source.stage.manifest.stage)' holds no recorded trajectories to measure time by")
        }
        let archive = try NPZArchive.read(source.file)
        let states = try archive.array("states", in: source.file.path)
        guard states.shape.count >= 2 else {
            throw ArtifactError(source.file.path, "trajectory states must be [runs, records, …]; got \(NumPyArray.describe(states.shape))")
        }
        let runs = states.shape[0], records = states.shape[1]
        let times = try TrajectorySource.times(in: archive, runs: runs, records: records, file: source.file)
        return try mean(of: times, runs: runs, records: records, burnIn: burnIn, file: source.file)
    }

    /// The mean interval between consecutive records of `runs` runs of `records` records each
    /// (`times` run-major), over the records from `burnIn` on; throws, naming `file`, unless it is
    /// a positive number.
    public static func mean(of times: [Double], runs: Int, records: Int, burnIn: Int = 0, file: URL) throws -> Double {
        guard burnIn >= 0, records - burnIn >= 2, runs > 0, times.count == runs * records else {
            throw ArtifactError(file.path, "burn-in \(burnIn) leaves fewer than two of the \(records) records per run: no recorded interval to measure durations in")
        }
        let span = (0..<runs).reduce(0.0) { $0 + times[$1 * records + records - 1] - times[$1 * records + burnIn] }
        let mean = span / Double(runs * (records - 1 - burnIn))
        guard mean.isFinite, mean > 0 else {
            throw ArtifactError(file.path, "the records after burn-in \(burnIn) span no time (mean interval \(mean)): no unit to measure durations in")
        }
        return mean
    }
}
