import Foundation

/// The rules for names of control parameters (`encode --control NAME`, `rollout --control NAME=VALUE`)
/// and how a set of values is written in messages and reports.
public enum ControlParameterNames {
    /// Throws a `SettingsError` unless every name is non-empty, free of `,`, `=` and spaces (checkpoints
    /// list names comma-separated, rollouts take NAME=VALUE), and given once.
    public static func validate(_ names: [String]) throws {
        for name in names {
            try SettingsError.require(!name.isEmpty && !name.contains(where: { $0 == "," || $0 == "=" || $0.isWhitespace }),
                                      "a control parameter's name must be non-empty without ',', '=' or spaces; got '\(name)'")
        }
        try SettingsError.require(Set(names).count == names.count, "control parameters must be named once each; got \(names.joined(separator: ", "))")
    }

    /// `temperature=1200, field=0.1`.
    public static func describe(_ names: [String], _ values: [Double]) -> String {
        zip(names, values).map { "\($0)=\(String(format: "%g", $1))" }.joined(separator: ", ")
    }

    /// `field=0.1, temperature=1200`: named values in the order of their names.
    public static func describe(_ named: [String: Double]) -> String {
        let sorted = named.sorted { $0.key < $1.key }
        return describe(sorted.map(\.key), sorted.map(\.value))
    }
}
