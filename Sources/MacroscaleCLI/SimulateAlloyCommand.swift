import ArgumentParser
import Artifacts
import Foundation
import Systems

/// `macroscale simulate alloy`: vacancy kinetic Monte Carlo of equimolar BCC NbMoTa.
struct SimulateAlloy: SystemSimulation {
    static let configuration = CommandConfiguration(
        commandName: "alloy",
        abstract: "Equimolar BCC NbMoTa with vacancies: rejection-free vacancy kinetic Monte Carlo (one step = N hops, time in seconds).",
        discussion: """
            The lattice has n × n × n cubic cells (2n³ sites: 8 cells make the reference's 1,024-atom \
            system); every run starts from random equimolar occupation with the vacancies on a \
            regular grid. Observables are the six short-range-order parameters δ_ij (Docs/SYSTEMS.md). \
            Barriers come from the built-in pair model, or from the NNK network of Xing et al. read \
            from the .npz file --nnk-weights names (its digest is recorded in the manifest).
            """)

    @Option(help: "Cubic cells n per axis (2n³ sites).")
    var cells = 8

    @Option(help: "Temperature in kelvin.")
    var temperature = 2000.0

    @Option(help: "Vacancies (1 to n³).")
    var vacancies = 1

    @Option(help: "Barrier model: pair (built in) or nnk (needs --nnk-weights).")
    var barriers = "pair"

    @Option(help: "The NNK network's weights (.npz), for --barriers nnk.")
    var nnkWeights: String?

    @OptionGroup var options: SimulationOptions

    func validate() throws {
        guard barriers == "pair" || barriers == "nnk" else { throw ValidationError("--barriers must be pair or nnk, got '\(barriers)'") }
        guard (barriers == "nnk") == (nnkWeights != nil) else {
            throw ValidationError(barriers == "nnk" ? "--barriers nnk needs --nnk-weights PATH" : "--nnk-weights is only read with --barriers nnk")
        }
    }

    func system() throws -> any MicroscopicSystem {
        var values: [String: JSONValue] = ["system": .string(AlloyModel.identifier), "cells": .number(Double(cells)),
                                           "temperature": .number(temperature), "vacancies": .number(Double(vacancies)),
                                           "barriers": .string(barriers)]
        if let nnkWeights { values["nnkWeights"] = .string(nnkWeights) }
        return try AlloyModel(configuration: SystemConfiguration(values))
    }
}
