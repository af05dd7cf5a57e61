import Foundation

/// The clock a model's time runs on: physical time, or the recorded steps of the simulations its
/// pairs and test runs come from (`encode --clock`).
///
/// A recorded step of the alloy is N hops, whatever the temperature: at 1000 K it lasts 690 times
/// longer than at 3000 K, so an SDE conditioned on temperature fits drifts that span that factor in
/// seconds, and about one scale in recorded steps (Docs/SDE.md, *Clocks*). The clock is part of the
/// latents' lineage: pairs on different clocks do not train one model, and `evaluate` measures each
/// test stage's times in the model's clock.
public enum Clock: String, CaseIterable, Codable, Sendable {
    /// Seconds, Glauber time or lattice time: the system's own.
    case physical
    /// The mean interval between consecutive records of the simulation the states come from.
    case recordedSteps = "recorded-steps"

    /// The name of the clock's unit for axes (`recorded steps`, or the system's time unit).
    public func unit(physical systemUnit: String) -> String {
        self == .physical ? systemUnit : "recorded steps"
    }
}
