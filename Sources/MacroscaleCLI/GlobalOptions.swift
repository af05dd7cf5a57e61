import ArgumentParser
import Execution
import Foundation

/// Options every long-running command accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Worker threads (default: MACROSCALE_THREADS, else every core). Results do not depend on it.")
    var threads: Int?

    @Flag(name: .long, help: "Print no progress reports.")
    var quiet = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    /// Applies the thread count and quietness to the process.
    func apply() {
        ThreadCount.set(threads ?? 0)
        Progress.quiet = quiet
    }
}

/// Options of every command that runs a stage: the master seed and the output directory,
/// besides the global ones.
struct StageOptions: ParsableArguments {
    @Option(help: "Master seed of the stage's random streams.")
    var seed: UInt64 = 1

    @Option(help: "Output stage directory.")
    var out: String

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        // An empty path is the current directory to Foundation: a stage would write wherever it runs.
        guard !out.isEmpty else { throw ValidationError("--out must name a directory, got an empty path") }
    }

    /// The output directory as a URL.
    var directory: URL { URL(fileURLWithPath: out) }

    /// Applies the thread count and quietness to the process.
    func apply() { global.apply() }
}
