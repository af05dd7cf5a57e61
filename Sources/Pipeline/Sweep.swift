/// The copies a swept stage is made in: the product of the matrices along its lineage, outermost
/// first. `simulate` with `matrix: {size: [8, 16]}` has one axis; `sde` reading it with
/// `matrix: {seed: [10, 11]}` has two, and copies `sde-8-10`, `sde-8-11`, `sde-16-10`, `sde-16-11`.
/// Matrices over the same option with the same values are one axis: `simulate`, `validation` and
/// `test` each swept over one temperature list are read together, copy by copy.
struct Sweep: Equatable {
    /// One matrix of the lineage: the stage that declared it, its option and its values.
    struct Axis: Equatable {
        var origin: String
        var option: String
        var values: [String]

        /// Whether `other` sweeps the same option over the same values, so that the two are one axis.
        func isShared(with other: Axis) -> Bool {
            option == other.option && values == other.values
        }
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

    /// Whether every axis of `other` is, in order, one of the first axes of this sweep.
    func starts(with other: Sweep) -> Bool {
        other.axes.count <= axes.count && zip(axes, other.axes).allSatisfy { $0.isShared(with: $1) }
    }

    /// The sweep that `stage` follows from the swept stages it reads (name → sweep): the longest
    /// of them, which every other must start (`sde` over n_s × seed and `encode` over n_s; `encode`
    /// over the temperatures of `evolve` and of `validation`), or nil when it reads none.
    static func followed(by stage: String, reading inputs: [(name: String, sweep: Sweep)]) throws -> Sweep? {
        guard let longest = inputs.max(by: { $0.sweep.axes.count < $1.sweep.axes.count })?.sweep else { return nil }
        guard inputs.allSatisfy({ longest.starts(with: $0.sweep) }) else {
            let listed = inputs.map { "'\($0.name)' (swept by \($0.sweep.lineage))" }
            throw PipelineError("stage '\(stage)' reads stages swept by different matrices: \(listed.dropLast().joined(separator: ", ")) and \(listed.last!)")
        }
        return longest
    }

    /// This sweep times `stage`'s own matrix; refused when the matrix repeats one of its axes
    /// (copies `encode-2000-2000` would be meaningless: the stage follows that axis already).
    func extended(by stage: String, matrix: (key: String, values: [String])) throws -> Sweep {
        let own = Axis(origin: stage, option: matrix.key, values: matrix.values)
        if let repeated = axes.first(where: { $0.isShared(with: own) }) {
            throw PipelineError("stage '\(stage)': its matrix sweeps '\(own.option)' over the values of '\(repeated.origin)', whose sweep it follows already; drop the matrix")
        }
        return Sweep(axes: axes + [own])
    }
}
