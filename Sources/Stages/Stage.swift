import Foundation

/// A stage of the method as the command line and `macroscale run` both drive it.
///
/// A stage has typed `Settings`, checked on their own before anything runs
/// (`StageSettings.validate()`), and typed `Inputs`, the upstream stages opened through the reader
/// of their artifact kind (`SnapshotSource`, `EvolveSource`, `PairSource`, `ClosureSource`,
/// `ModelSource`, `TrajectorySource`), each of which verifies its stage's manifest and output
/// digests. `validate(_:inputs:)` checks that the settings and the inputs fit together — shapes,
/// systems, and lineage by content digest — and `run` performs both checks before the work, which
/// opens the stage's `StageRun` before anything else. A command of the CLI is a thin layer: it
/// parses options into `Settings`, opens the `Inputs` and calls `run`.
public protocol Stage {
    /// What the stage is told to do, independent of its inputs.
    associatedtype Settings: StageSettings
    /// The upstream artifacts, opened through their readers.
    associatedtype Inputs
    /// What the stage gives back besides its directory (its manifest, a summary).
    associatedtype Outcome

    /// The stage's name in its manifest (`upsample`, `evolve`, …).
    static var name: String { get }

    /// Throws unless `settings` and `inputs` fit together (shapes, systems, lineage).
    static func validate(_ settings: Settings, inputs: Inputs) throws

    /// The work: called by `run` after both checks; opens the stage's run before anything else.
    static func perform(_ settings: Settings, inputs: Inputs, seed: UInt64, directory: URL) throws -> Outcome
}

extension Stage {
    /// Checks the settings, then the settings against the inputs, then does the work into `directory`.
    @discardableResult
    public static func run(_ settings: Settings, inputs: Inputs, seed: UInt64, directory: URL) throws -> Outcome {
        try settings.validate()
        try validate(settings, inputs: inputs)
        return try perform(settings, inputs: inputs, seed: seed, directory: directory)
    }
}

/// The settings of a stage: checked as a whole, in one place, before any input is read.
public protocol StageSettings: Sendable {
    /// Throws a `SettingsError` naming the first setting outside its domain.
    func validate() throws
}

/// The settings of a stage that has none of its own: what it computes follows from its inputs
/// (`encode-trajectories`).
public struct NoSettings: StageSettings {
    public init() {}
    public func validate() throws {}
}

/// A setting outside its domain, found before any work (not a failure of the work itself).
public struct SettingsError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }

    /// Throws `SettingsError(message)` unless `condition` holds.
    public static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else { throw SettingsError(message()) }
    }
}
