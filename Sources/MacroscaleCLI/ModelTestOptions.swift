import ArgumentParser
import Foundation

/// A trained SDE, the large-system test stages it is judged on, and the closure its latents go through.
struct ModelTestOptions: ParsableArguments {
    @Option(help: "A train-sde stage directory.")
    var model: String
    @Option(help: "Simulate stages of the large system with the true test trajectories (repeatable; at least one).")
    var test: [String]
    @Option(help: "The train-closure stage the latents were encoded with (omit for observable latents).")
    var closure: String?

    var modelURL: URL { URL(fileURLWithPath: model) }
    var testURLs: [URL] { test.map { URL(fileURLWithPath: $0) } }
    var closureURL: URL? { closure.map { URL(fileURLWithPath: $0) } }
}
