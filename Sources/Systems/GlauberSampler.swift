import Random

/// A rejection-free continuous-time Glauber sampler: it can run for a number of flip events or a
/// span of Glauber time.
protocol GlauberSampler: AnyObject {
    /// Glauber time elapsed.
    var time: Double { get }
    /// Flips until `maxEvents` events have happened or the next one would come after `end`
    /// (then the clock stops at `end`).
    func advance(maxEvents: Int, until end: Double, random: RandomStream)
}

extension GlauberSampler {
    /// Performs `events` flips.
    func run(events: Int, random: RandomStream) {
        advance(maxEvents: events, until: .infinity, random: random)
    }

    /// Runs for a number of events or a span of Glauber time.
    func run(for duration: RegionDuration, random: RandomStream) {
        precondition(duration.isValid, "region durations are validated where they are given: \(duration)")
        switch duration {
        case .steps(let events): advance(maxEvents: events, until: .infinity, random: random)
        case .time(let span): advance(maxEvents: .max, until: time + span, random: random)
        }
    }
}
