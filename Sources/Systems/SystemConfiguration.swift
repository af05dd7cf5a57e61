import Artifacts

/// Reads a system's parameters from the JSON object a manifest records, with errors that name the key.
public struct SystemConfiguration {
    public let values: [String: JSONValue]

    public init(_ values: [String: JSONValue]) {
        self.values = values
    }

    /// Parses the configuration recorded in a manifest (a JSON object).
    public init(_ value: JSONValue) throws {
        guard case .object(let values) = value else {
            throw ConfigurationError("the system configuration is not a JSON object: \(value)")
        }
        self.values = values
    }

    /// The system identifier (`ising`, `curie-weiss`, `predator-prey`).
    public func system() throws -> String { try string("system") }

    public func number(_ key: String) throws -> Double {
        guard case .number(let value)? = values[key] else { throw missing(key, "a number") }
        return value
    }

    public func integer(_ key: String) throws -> Int {
        let value = try number(key)
        guard let exact = Int(exactly: value) else { throw ConfigurationError("'\(key)' must be a whole number, got \(value)") }
        return exact
    }

    public func string(_ key: String) throws -> String {
        guard case .string(let value)? = values[key] else { throw missing(key, "a string") }
        return value
    }

    public func number(_ key: String, default fallback: Double) throws -> Double {
        values[key] == nil ? fallback : try number(key)
    }

    public func integer(_ key: String, default fallback: Int) throws -> Int {
        values[key] == nil ? fallback : try integer(key)
    }

    public func string(_ key: String, default fallback: String) throws -> String {
        values[key] == nil ? fallback : try string(key)
    }

    /// An enumeration value given by its raw string.
    public func choice<T: RawRepresentable & CaseIterable>(_ key: String, default fallback: T) throws -> T where T.RawValue == String {
        guard values[key] != nil else { return fallback }
        let text = try string(key)
        guard let value = T(rawValue: text) else {
            throw ConfigurationError("'\(key)' must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
        }
        return value
    }

    private func missing(_ key: String, _ kind: String) -> ConfigurationError {
        values[key] == nil
            ? ConfigurationError("missing '\(key)' (\(kind)) in the system configuration")
            : ConfigurationError("'\(key)' must be \(kind), got \(values[key]!)")
    }
}

/// A system configuration that cannot be understood.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
