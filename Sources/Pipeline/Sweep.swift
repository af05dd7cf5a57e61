/// The copies a swept stage is made in: the product of the matrices along its lineage, outermost
/// first. `simulate` with `matrix: {size: [8, 16]}` has one axis; `sde` reading it with
/// `matrix: {seed: [10, 11]}` has two, and copies `sde-8-10`, `sde-8-11`, `sde-16-10`, `sde-16-11`.
struct Sweep: Equatable {
    /// One matrix of the lineage: the stage that declared it and its values.
    struct Axis: Equatable {
        var origin: String
        var values: [String]
    }

    var axes: [Axis]

    /// Every copy's values, one per axis; the first axis varies slowest.
    var copies: [[String]] {
        axes.reduce([[]]) { prefixes, axis in prefixes.flatMap { prefix in axis.values.map { prefix + [$0] } } }
    }

    /// The stages whose matrices make the sweep, e.g. `simulate × sde`.
    var lineage: String { axes.map(\.origin).joined(separator: " × ") }

    /// The name of `stage`'s copy for `values` (the stage's own name when there are none).
    static func name(_ stage: String, _ values: ArraySlice<String>) -> String {
        ([stage] + values).joined(separator: "-")
    }

    /// The sweep that `stage` follows from the swept stages it reads (name → sweep): the longest
    /// of them, which every other must start (`sde` over n_s × seed and `encode` over n_s), or nil
    /// when it reads none.
    static func followed(by stage: String, reading inputs: [(name: String, sweep: Sweep)]) throws -> Sweep? {
        guard let longest = inputs.max(by: { $0.sweep.axes.count < $1.sweep.axes.count })?.sweep else { return nil }
        guard inputs.allSatisfy({ longest.axes.starts(with: $0.sweep.axes) }) else {
            let listed = inputs.map { "'\($0.name)' (swept by \($0.sweep.lineage))" }
            throw PipelineError("stage '\(stage)' reads stages swept by different matrices: \(listed.dropLast().joined(separator: ", ")) and \(listed.last!)")
        }
        return longest
    }
}
