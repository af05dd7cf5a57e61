import ArgumentParser
import Artifacts
import Foundation
import Systems

/// `macroscale simulate alloy`: vacancy kinetic Monte Carlo of BCC NbMoTa.
struct SimulateAlloy: SystemSimulation {
    static let configuration = CommandConfiguration(
        commandName: "alloy",
        abstract: "BCC NbMoTa with vacancies: rejection-free vacancy kinetic Monte Carlo (one step = N hops, time in seconds).",
        discussion: """
            The lattice has n × n × n cubic cells (2n³ sites: 8 cells make the reference's 1,024-atom \
            system); every run starts from random equimolar occupation with the vacancies on a \
            regular grid, or, with --initial-dump, from the configuration of a LAMMPS dump file \
            (its box gives the cells, its empty sites the vacancies, its atoms any composition; \
            path and SHA-256 are recorded in the manifest). Observables are the six short-range-order \
            parameters δ_ij (Docs/SYSTEMS.md). Barriers come from the built-in pair model, or from \
            the NNK network of Xing et al. read from the .npz file --nnk-weights names (its digest \
            is recorded in the manifest).
            """)

    @Option(help: "Cubic cells n per axis (2n³ sites; default 8, or the initial dump's, which it must then match).")
    var cells: Int?

    @Option(help: "Temperature in kelvin.")
    var temperature = 2000.0

    @Option(help: "Vacancies (1 to n³; default 1; with --initial-dump, the file's empty sites).")
    var vacancies: Int?

    @Option(help: "Barrier model: pair (built in) or nnk (needs --nnk-weights).")
    var barriers = "pair"

    @Option(help: "The NNK network's weights (.npz), for --barriers nnk.")
    var nnkWeights: String?

    @Option(help: "Pair-model parameters (JSON: baseBarrier and the six pairEnergies, eV; e.g. Data/alloy/pair-illustrative.json), for --barriers pair; default the built-in ones.")
    var pairParameters: String?

    @Option(help: "A LAMMPS text dump (id, type, x y z in Å; types 1 Nb, 2 Mo, 3 Ta) every run starts from.")
    var initialDump: String?

    @Option(help: "The lattice constant in Å that divides the dump's box into cells, for --initial-dump.")
    var latticeConstant = NNKEnvironment.latticeConstant

    @OptionGroup var options: SimulationOptions

    func validate() throws {
        guard barriers == "pair" || barriers == "nnk" else { throw ValidationError("--barriers must be pair or nnk, got '\(barriers)'") }
        guard (barriers == "nnk") == (nnkWeights != nil) else {
            throw ValidationError(barriers == "nnk" ? "--barriers nnk needs --nnk-weights PATH" : "--nnk-weights is only read with --barriers nnk")
        }
        guard barriers == "pair" || pairParameters == nil else { throw ValidationError("--pair-parameters is only read with --barriers pair") }
        if initialDump != nil, vacancies != nil {
            throw ValidationError("--vacancies is not read with --initial-dump: the vacancies are the dump's empty sites")
        }
        if initialDump == nil, latticeConstant != NNKEnvironment.latticeConstant {
            throw ValidationError("--lattice-constant is only read with --initial-dump")
        }
    }

    func system() throws -> any MicroscopicSystem {
        var values: [String: JSONValue] = ["system": .string(AlloyModel.identifier), "temperature": .number(temperature),
                                           "barriers": .string(barriers)]
        if let cells { values["cells"] = .number(Double(cells)) }
        if let vacancies { values["vacancies"] = .number(Double(vacancies)) }
        if let nnkWeights { values["nnkWeights"] = .string(nnkWeights) }
        if let pairParameters { values["pairParameters"] = .string(pairParameters) }
        if let initialDump {
            values["initialDump"] = .string(initialDump)
            values["latticeConstant"] = .number(latticeConstant)
        }
        return try AlloyModel(configuration: SystemConfiguration(values))
    }
}
