import ArgumentParser
import Artifacts
import Foundation
import Stages
import Systems

/// `macroscale export-dump`: one recorded alloy state of a simulate or upsample stage as a LAMMPS dump.
struct ExportDump: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-dump",
        abstract: "Write one recorded alloy state of a simulate or upsample stage as a LAMMPS text dump.",
        discussion: """
            The dump holds the atoms (ids 1 … A in site order, types 1 Nb, 2 Mo, 3 Ta, positions in Å) \
            in the periodic box 0 … n·a; vacancies are the sites without an atom. Its timestep is the \
            record's index. From a simulate stage, --run and --record pick the state (default: run 0, \
            its last record); from an upsample stage, --record is the snapshot (default: the last).
            """)

    @Option(help: "A simulate or upsample stage directory of the alloy.")
    var input: String

    @Option(name: .customLong("run"), help: "The run of a simulate stage (default 0).")
    var runIndex: Int?

    @Option(help: "The record of the run, or the snapshot of an upsample stage (default: the last).")
    var record: Int?

    @Option(help: "The lattice constant in Å.")
    var latticeConstant = NNKEnvironment.latticeConstant

    @Option(help: "The dump file to write.")
    var out: String

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard latticeConstant.isFinite, latticeConstant > 0 else {
            throw ValidationError("--lattice-constant must be a finite positive number of Å, got \(latticeConstant)")
        }
    }

    func run() throws {
        global.apply()
        let stage = try StageSource(directory: URL(fileURLWithPath: input))
        guard let alloy = stage.system as? AlloyModel else {
            throw ArtifactError(input, "holds states of '\(type(of: stage.system).identifier)': export-dump writes alloy states")
        }
        let file = try stage.output(["trajectories.npz", "snapshots.npz"])
        let states = try NPZArchive.read(file).array("states", in: file.path)
        let runs: [[Grid<Int8>]]
        if file.lastPathComponent == "trajectories.npz" {
            let (count, records, all) = try trajectoryRecords(states, of: alloy, source: file.path)
            runs = (0..<count).map { Array(all[($0 * records)..<(($0 + 1) * records)]) }
        } else {
            guard runIndex == nil else { throw ArtifactError(input, "is an upsample stage: --run is for simulate stages; --record picks the snapshot") }
            runs = [try configurations(states, of: alloy, spatialShape: alloy.spatialShape, source: file.path)]
        }
        let run = runIndex ?? 0
        guard runs.indices.contains(run) else { throw ArtifactError(file.path, "holds runs 0 to \(runs.count - 1), not --run \(run)") }
        let recorded = runs[run]
        let index = record ?? recorded.count - 1
        guard recorded.indices.contains(index) else {
            throw ArtifactError(file.path, "holds records 0 to \(recorded.count - 1)\(runIndex == nil ? "" : " of run \(run)"), not --record \(index)")
        }
        try LAMMPSDump.write(recorded[index], to: URL(fileURLWithPath: out), latticeConstant: latticeConstant, timestep: index)
        print("export-dump: record \(index)\(runs.count > 1 || runIndex != nil ? " of run \(run)" : "") of \(input) → \(out)")
    }
}
