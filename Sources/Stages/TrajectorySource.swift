import Artifacts
import Foundation
import Systems

/// The true trajectories of a finished simulate stage, read as test data, with their record times
/// and initial parameters checked against the states.
///
/// `trajectories.npz` must hold `states` `[runs, records, …]` (valid states of the stage's system),
/// `times` `[runs, records]`, finite and non-decreasing along each run, and `initial`
/// `[runs(, parameters)]`, finite: the parameters that group runs into test conditions.
public struct TrajectorySource {
    /// The simulate stage.
    public let stage: StageSource
    /// Its `trajectories.npz`.
    public let file: URL

    /// The system simulated.
    public var system: any MicroscopicSystem { stage.system }
    /// The file with its checksum, for the next stage's manifest.
    public var input: StageManifest.Input { stage.input(file) }

    /// Opens the simulate stage in `directory`.
    public init(directory: URL) throws {
        stage = try StageSource(directory: directory)
        file = try stage.output(["trajectories.npz"])
    }

    /// The record times of a trajectory file holding `runs` runs of `records` records: `times`
    /// [runs, records], finite and non-decreasing along each run (flattened run-major).
    static func times(in archive: NPZArchive, runs: Int, records: Int, file: URL) throws -> [Double] {
        let times = try archive.array("times", in: file.path)
        guard times.shape == [runs, records] else {
            throw ArtifactError(file.path, "times must be [runs, records] = [\(runs), \(records)]; got \(NumPyArray.describe(times.shape))")
        }
        let values = times.doubleValues()
        guard values.allSatisfy(\.isFinite),
              (0..<runs).allSatisfy({ run in (1..<max(records, 1)).allSatisfy { values[run * records + $0] >= values[run * records + $0 - 1] } }) else {
            throw ArtifactError(file.path, "times must be finite and non-decreasing along every run")
        }
        return values
    }

    /// The trajectories as configurations of `system` (run-major), checked.
    public func read<System: MicroscopicSystem>(_ system: System) throws -> Trajectories<System.Site> {
        let archive = try NPZArchive.read(file)
        let (runs, records, states) = try trajectoryRecords(try archive.array("states", in: file.path), of: system, source: file.path)
        let timeValues = try TrajectorySource.times(in: archive, runs: runs, records: records, file: file)
        let initial = try archive.array("initial", in: file.path)
        guard initial.shape.first == runs, initial.shape.count <= 2 else {
            throw ArtifactError(file.path, "initial must be [runs] or [runs, parameters] with \(runs) runs; got \(NumPyArray.describe(initial.shape))")
        }
        let parameters = initial.doubleValues()
        guard parameters.allSatisfy(\.isFinite) else { throw ArtifactError(file.path, "initial parameters must be finite") }
        let perRun = initial.shape.count > 1 ? initial.shape[1] : 1
        return Trajectories(runs: runs, records: records, states: states, times: timeValues,
                            initial: (0..<runs).map { Array(parameters[($0 * perRun)..<(($0 + 1) * perRun)]) })
    }
}

/// Trajectories read from a simulate stage: `runs` runs of `records` records each, run-major.
public struct Trajectories<Site: NumPyElement & Equatable> {
    public let runs: Int
    public let records: Int
    /// Every record's configuration, run r's record k at r·records + k.
    public let states: [Grid<Site>]
    /// Every record's physical time, in the same order.
    public let times: [Double]
    /// Each run's initial parameters.
    public let initial: [[Double]]

    /// The runs grouped by equal initial parameters (test conditions), in order of first appearance.
    public var conditions: [(parameters: [Double], runs: [Int])] {
        var groups: [[Double]: Int] = [:], result: [(parameters: [Double], runs: [Int])] = []
        for run in 0..<runs {
            if let index = groups[initial[run]] { result[index].runs.append(run) } else {
                groups[initial[run]] = result.count
                result.append((initial[run], [run]))
            }
        }
        return result
    }
}
