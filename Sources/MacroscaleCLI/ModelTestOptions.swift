import ArgumentParser
import Foundation
import Stages

/// A trained SDE, the large-system test stages it is judged on, and the closure its latents go through.
struct ModelTestOptions: ParsableArguments {
    @Option(help: "A train-sde stage directory.")
    var model: String
    @Option(help: "Simulate stages of the large system with the true test trajectories (repeatable; at least one).")
    var test: [String]
    @Option(help: "The train-closure stage the latents were encoded with (omit for observable latents); it must be the one the model's training pairs went through.")
    var closure: String?

    func validate() throws {
        guard !test.isEmpty else { throw ValidationError("give at least one --test simulate stage") }
    }

    /// Opens the model, test and closure stages, and the train-sde stage `reference` if given.
    func open(reference: String? = nil) throws -> ModelTestInputs {
        try ModelTestInputs(model: URL(fileURLWithPath: model), tests: test.map { URL(fileURLWithPath: $0) },
                            closure: closure.map { URL(fileURLWithPath: $0) }, reference: reference.map { URL(fileURLWithPath: $0) })
    }
}
