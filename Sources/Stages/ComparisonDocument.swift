import Foundation

/// A comparison for scripts (`compare --json`): the rows in table order with their metrics under
/// the CSV's snake_case keys (`Comparison.metricKeys`), full precision, null where a run lacks one.
public struct ComparisonDocument: Encodable {
    /// One row: a run, or a group of runs differing only in their seed.
    public struct Row: Encodable {
        public var label: String
        /// The number of runs in the row (1 unless grouped).
        public var runs: Int
        /// Whether this is the best row by the sort column.
        public var best: Bool
        /// Each metric (the mean over the row's runs when grouped).
        public var metrics: [String: Double?]
        /// Each metric's sample standard deviation over the row's runs; only when grouped.
        public var deviations: [String: Double?]?
    }

    /// The sort column (`mmd-v`, `mmd-u`, `relative-error`, `transient-error`, `name`).
    public var sort: String
    /// Whether rows were grouped by label suffix (`--group-suffix`).
    public var grouped: Bool
    /// The latent components' names.
    public var latent: [String]
    /// The metric keys, in column order.
    public var columns: [String]
    /// The best row's label by the sort column; nil when sorted by name.
    public var best: String?
    /// The rows, sorted.
    public var rows: [Row]

    /// The document of `comparison` sorted by `column`.
    public init(_ comparison: Comparison, sortedBy column: Comparison.Column) {
        let keys = comparison.metricKeys, best = comparison.best(by: column)
        sort = column.rawValue
        grouped = comparison.grouped
        latent = comparison.latent
        columns = keys
        self.best = best
        rows = comparison.sorted(by: column).map { row in
            Row(label: row.label, runs: row.runs, best: row.label == best,
                metrics: Dictionary(uniqueKeysWithValues: zip(keys, row.values)),
                deviations: comparison.grouped ? Dictionary(uniqueKeysWithValues: zip(keys, row.deviations)) : nil)
        }
    }
}
