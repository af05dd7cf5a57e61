import ArgumentParser
import Stages

/// The values of a comma-separated option (`--hidden 64,64`), every one of which must parse.
func parsedList<Value: LosslessStringConvertible>(_ text: String, option: String, as type: Value.Type) throws -> [Value] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    let values = parts.compactMap(Value.init)
    guard !text.isEmpty, values.count == parts.count else {
        throw ValidationError("\(option) must be a comma-separated list of \(Value.self) values; got '\(text)'")
    }
    return values
}

extension StageSettings {
    /// Checks the settings as the command line's option check, so that `macroscale run` refuses
    /// a stage with bad options before any stage runs (`SettingsError` becomes a usage error).
    func validateOption() throws {
        do { try validate() } catch let error as SettingsError { throw ValidationError(error.description) }
    }
}
