/// Which steps of a plan a run executes, and why: `macroscale run` follows it, `--dry-run` prints it.
public struct RunSchedule {
    /// A step and why it runs (nil: it is up to date and is skipped).
    public struct Entry {
        public var step: PipelinePlan.Step
        public var reason: String?
    }

    /// The steps considered, in order (with `only`, that one alone).
    public var entries: [Entry]

    /// Decides for every step of `plan`: forced by `force`, `from` (that stage and every later
    /// one) or `only`; run because a stage it reads runs; else run if its record is stale.
    public init(_ plan: PipelinePlan, from: String?, only: String?, force: Bool) throws {
        for name in [from, only].compactMap({ $0 }) where !plan.steps.contains(where: { $0.name == name }) {
            throw PipelineError("no stage '\(name)' (stages: \(plan.steps.map(\.name).joined(separator: ", ")))")
        }
        let fromIndex = from.flatMap { name in plan.steps.firstIndex { $0.name == name } }
        var running = Set<String>()
        entries = []
        for (index, step) in plan.steps.enumerated() {
            if let only, step.name != only { continue }
            let reason: String?
            if force {
                reason = "--force"
            } else if only != nil {
                reason = "--only"
            } else if let fromIndex, index >= fromIndex, let from {
                reason = "--from \(from)"
            } else if let upstream = step.upstream.first(where: running.contains) {
                reason = "upstream '\(upstream)' runs"
            } else {
                reason = RunRecord.staleness(plan, step)
            }
            if reason != nil { running.insert(step.name) }
            entries.append(Entry(step: step, reason: reason))
        }
    }
}
