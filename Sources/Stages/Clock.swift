import Foundation

/// The clock a model's time runs on: physical time, or sweeps — elementary steps of the
/// simulations its pairs and test runs come from (`encode --clock`).
///
/// A sweep is one N-event step of a spin system and N hops of the alloy (N sites), whatever the
/// temperature, the lattice size or the alloy's vacancy concentration; its duration is the mean
/// interval between records divided by the steps per record. An alloy sweep lasts 690 times longer
/// at 1000 K than at 3000 K, so an SDE conditioned on temperature fits drifts that span that
/// factor in seconds and about one scale in sweeps (Docs/SDE.md, *Clocks*). The clock is part of
/// the latents' lineage: pairs on different clocks do not train one model, and `evaluate`
/// measures each test stage's times in its own sweeps.
public enum Clock: String, CaseIterable, Sendable {
    /// Seconds, Glauber time or lattice time: the system's own.
    case physical
    /// The mean duration of one elementary step of the simulation the states come from.
    case sweeps

    /// The name of the clock's unit for axes (`sweeps`, or the system's time unit).
    public func unit(physical systemUnit: String) -> String {
        self == .physical ? systemUnit : "sweeps"
    }
}
