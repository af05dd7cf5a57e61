import ArgumentParser
import Execution

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
