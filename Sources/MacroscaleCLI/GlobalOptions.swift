import ArgumentParser
import Distributed
import Execution
import Foundation

/// Options every long-running command accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Worker threads (default: MACROSCALE_THREADS, else every core; under mpirun, the host's cores divided among its ranks). Results do not depend on it.")
    var threads: Int?

    @Flag(name: .long, help: "Print no progress reports.")
    var quiet = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    /// Applies the thread count and quietness to the process. Under mpirun only rank 0 reports
    /// progress, and by default the ranks on one host divide its cores among them.
    func apply() {
        ThreadCount.set(threads ?? 0)
        let world = Communicator.world
        if threads == nil, ProcessInfo.processInfo.environment["MACROSCALE_THREADS"] == nil, world.ranksOnThisHost > 1 {
            ThreadCount.set(max(1, ProcessInfo.processInfo.activeProcessorCount / world.ranksOnThisHost))
        }
        Progress.quiet = quiet || !world.isRoot
    }
}

/// The output directory of a command that writes a stage, besides the global options.
struct OutputOptions: ParsableArguments {
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

/// Options of every command that runs a stage with random streams: the master seed, besides the
/// output directory and the global options.
struct StageOptions: ParsableArguments {
    @Option(help: "Master seed of the stage's random streams.")
    var seed: UInt64 = 1

    @OptionGroup var output: OutputOptions

    /// The output directory as given.
    var out: String { output.out }
    /// The output directory as a URL.
    var directory: URL { output.directory }

    /// Applies the thread count and quietness to the process.
    func apply() { output.apply() }
}
