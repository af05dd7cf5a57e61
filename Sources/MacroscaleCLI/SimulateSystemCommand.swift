import ArgumentParser
import Artifacts
import Systems

/// `macroscale simulate system ID --parameter KEY=VALUE …`: any registered system, built from the
/// parameters its manifests record, so that a new system needs no command of its own.
struct SimulateSystem: SystemSimulation {
    static let configuration = CommandConfiguration(
        commandName: "system",
        abstract: "Any registered system, from the parameters its manifests record (e.g. simulate system ising --parameter size=16).",
        discussion: "Parameters not given take the system's defaults where it has them; numbers are read as numbers, true/false as booleans.")

    @Argument(help: "The system's identifier.")
    var identifier: String

    @Option(name: .customLong("parameter"), help: ArgumentHelp("A system parameter (repeatable).", valueName: "KEY=VALUE"))
    var parameters: [String] = []

    @OptionGroup var options: SimulationOptions

    func validate() throws {
        _ = try configuration()
    }

    /// The system object a manifest would record.
    func configuration() throws -> SystemConfiguration {
        var values: [String: JSONValue] = ["system": .string(identifier)]
        for parameter in parameters {
            guard let equals = parameter.firstIndex(of: "="), equals > parameter.startIndex else {
                throw ValidationError("--parameter '\(parameter)': expected KEY=VALUE")
            }
            let key = String(parameter[..<equals]), text = String(parameter[parameter.index(after: equals)...])
            values[key] = Double(text).map(JSONValue.number) ?? (text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text))
        }
        return SystemConfiguration(values)
    }

    func system() throws -> any MicroscopicSystem {
        try SystemRegistry.system(from: configuration())
    }
}
