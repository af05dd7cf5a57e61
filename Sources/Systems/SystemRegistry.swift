import Foundation

/// Every microscopic system Macroscale knows, by identifier.
///
/// A new system is a folder under `Sources/Systems/` with its conformance to `MicroscopicSystem`
/// and one line in `builtIn`; code outside the package (a test's toy system, a plugin) adds its own
/// with `register(_:)` before it runs a command (Docs/ARCHITECTURE.md, *Adding a system*).
public enum SystemRegistry {
    /// The systems that ship with Macroscale.
    static let builtIn: [any MicroscopicSystem.Type] = [IsingModel.self, CurieWeissModel.self, PredatorPreyModel.self, AlloyModel.self]

    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered: [any MicroscopicSystem.Type] = builtIn

    /// The conforming types: the built-in ones, then those registered.
    public static var systems: [any MicroscopicSystem.Type] {
        lock.lock()
        defer { lock.unlock() }
        return registered
    }

    /// Adds `type`, so that manifests naming its identifier can be read and `simulate system` runs it;
    /// registering the same type again does nothing, another type with a known identifier is refused.
    public static func register(_ type: any MicroscopicSystem.Type) throws {
        lock.lock()
        defer { lock.unlock() }
        if let known = registered.first(where: { $0.identifier == type.identifier }) {
            guard ObjectIdentifier(known) == ObjectIdentifier(type) else { throw ConfigurationError("a system '\(type.identifier)' is already registered (\(known))") }
            return
        }
        registered.append(type)
    }

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
