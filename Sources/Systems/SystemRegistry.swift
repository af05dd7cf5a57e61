/// Every microscopic system Macroscale knows, by identifier.
public enum SystemRegistry {
    /// The conforming types.
    public static let systems: [any MicroscopicSystem.Type] = [IsingModel.self, CurieWeissModel.self, PredatorPreyModel.self]

    /// The identifiers, as the command line and manifests spell them.
    public static var identifiers: [String] { systems.map { $0.identifier } }

    /// Rebuilds the system a manifest's `system` object describes, with its parameters checked.
    public static func system(from configuration: SystemConfiguration) throws -> any MicroscopicSystem {
        let identifier = try configuration.string("system")
        guard let type = systems.first(where: { $0.identifier == identifier }) else {
            throw ConfigurationError("unknown system '\(identifier)' (known: \(identifiers.joined(separator: ", ")))")
        }
        let system = try type.init(configuration: configuration)
        try system.validateParameters()
        return system
    }
}
