import Foundation

/// `--json` output: one JSON document on standard output (keys sorted, pretty-printed), instead
/// of the lines a person reads; progress and warnings stay on standard error.
enum JSONOutput {
    /// Writes `value` as the command's JSON document on standard output.
    static func print<Value: Encodable>(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Runs `body` with standard output going to standard error, so that what it prints for people
    /// (a pipeline stage's summary line) does not mix with the JSON document.
    static func divertingStandardOutput<Result>(_ body: () throws -> Result) rethrows -> Result {
        fflush(stdout)
        let saved = dup(STDOUT_FILENO)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        defer {
            fflush(stdout)
            dup2(saved, STDOUT_FILENO)
            close(saved)
        }
        return try body()
    }
}
