import Artifacts
import Execution
import Foundation

/// The critical stage: finite-size scaling of the zero-field 2D Ising model from magnetization
/// samples at several sizes L and temperatures T (`FiniteSizeScaling`), read from equilibrium,
/// simulate or rollout stages (`MagnetizationSamples`); several stages at one (L, T) — the rollouts
/// of several SDE seeds — are pooled into one sample of all their runs.
///
/// Writes `critical.json` (every point, each size's values at the scaling temperature, β/ν, γ/ν
/// and 1/ν with errors and R² — 1/ν also from energy-reweighted Binder slopes where the samples
/// carry energies — the Binder crossings), `critical.csv` (the points) and
/// `report/index.html` (tables, U against T, and the data collapse with the fitted exponents).
public enum CriticalStage: Stage {
    public static let name = "critical"

    /// The scaling temperature and how the samples are blocked and fitted.
    public struct Settings: StageSettings {
        /// T* at which sizes are compared: exact T_c by default.
        public var scalingTemperature = FiniteSizeScaling.Exact.criticalTemperature
        /// Degree of the polynomials in T − T* through each size's points (1 to 3).
        public var degree = 2
        /// Blocks per (L, T) for the errors.
        public var blocks = 40
        /// Records left out at the start of every run (rollouts that start out of equilibrium).
        public var discard = 0

        public init() {}

        public func validate() throws {
            try SettingsError.require(scalingTemperature.isFinite && scalingTemperature > 0,
                                      "the scaling temperature must be positive and finite; got \(scalingTemperature)")
            try SettingsError.require((1...3).contains(degree), "the polynomial degree in T must be 1, 2 or 3; got \(degree)")
            try SettingsError.require((2...100_000).contains(blocks), "the blocks must be between 2 and 10⁵; got \(blocks)")
            try SettingsError.require(discard >= 0, "the discarded records must be non-negative; got \(discard)")
        }
    }

    /// Throws unless there are two sizes, no stage given twice, pools of one kind (rollouts, or
    /// direct samples), records left after the discard, and every size either has several
    /// temperatures or sits at T*.
    public static func validate(_ settings: Settings, inputs: [MagnetizationSamples]) throws {
        var seen: Set<String> = []
        for sample in inputs {
            guard seen.insert(sample.input.sha256).inserted else {
                throw SettingsError("\(sample.directory.path) (\(sample.input.path)) is given twice; pooled samples must be independent")
            }
            let shortest = sample.runs.map(\.count).min() ?? 0
            try SettingsError.require(shortest > settings.discard,
                                      "\(sample.directory.path) has runs of \(shortest) records; none is left after discarding \(settings.discard)")
        }
        // A pool is of one kind: learned rollouts, or direct samples (which carry energies).
        for group in Dictionary(grouping: inputs, by: { "L = \($0.size), T = \($0.temperature)" }).values.filter({ $0.count > 1 }) {
            if let other = group.first(where: { ($0.energies == nil) != (group[0].energies == nil) }) {
                throw SettingsError("\(group[0].directory.path) and \(other.directory.path) are at one (L, T) but one is a rollout and the other "
                                    + "direct samples: only samples of one kind are pooled")
            }
        }
        let sizes = Set(inputs.map(\.size))
        try SettingsError.require(sizes.count >= 2, "finite-size scaling needs at least two sizes; got \(sizes.sorted())")
        for size in sizes {
            let temperatures = inputs.filter { $0.size == size }.map(\.temperature)
            try SettingsError.require(temperatures.count >= 2 || abs(temperatures[0] - settings.scalingTemperature) < 1e-9,
                                      "L = \(size) has the single temperature \(temperatures[0]); give several, or samples at the scaling temperature \(settings.scalingTemperature)")
        }
    }

    public static func perform(_ settings: Settings, inputs: [MagnetizationSamples], seed: UInt64, directory: URL) throws -> FiniteSizeScaling.Result {
        let stage = try StageRun(stage: name, directory: directory,
                                 config: ["scalingTemperature": .number(settings.scalingTemperature), "degree": .number(Double(settings.degree)),
                                          "blocks": .number(Double(settings.blocks)), "discard": .number(Double(settings.discard)),
                                          "samples": .array(inputs.map { ["size": .number(Double($0.size)), "temperature": .number($0.temperature),
                                                                          "runawayRuns": .number(Double($0.runawayRuns))] })],
                                 seed: nil, checkedInputs: inputs.map(\.input), threads: ThreadCount.current)
        // One sample per (L, T), in the order each first appears.
        var order: [String] = [], groups: [String: [MagnetizationSamples]] = [:]
        for sample in inputs {
            let key = "\(sample.size) \(sample.temperature)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(sample)
        }
        let samples = try order.map { try MagnetizationSamples.pooled(groups[$0]!) }
        let points = parallelMap(samples.count) { index in
            FiniteSizeScaling.point(size: samples[index].size, temperature: samples[index].temperature,
                                    runs: samples[index].runs.map { Array($0.dropFirst(settings.discard)) }, blocks: settings.blocks)
        }
        // Per size, the sample with energies nearest T*, reweighted to T*.
        let nearest = Dictionary(grouping: samples.filter { $0.energies != nil }, by: \.size).compactMapValues { samples in
            samples.min { abs($0.temperature - settings.scalingTemperature) < abs($1.temperature - settings.scalingTemperature) }
        }
        let reweighted = nearest.mapValues { sample in
            FiniteSizeScaling.ReweightedSlope(from: sample.temperature, slope: FiniteSizeScaling.reweightedBinderSlope(
                size: sample.size, temperature: sample.temperature, runs: sample.runs.map { Array($0.dropFirst(settings.discard)) },
                energies: (sample.energies ?? []).map { Array($0.dropFirst(settings.discard)) }, at: settings.scalingTemperature,
                blocks: settings.blocks))
        }
        let result = try FiniteSizeScaling.analyse(points, reweighted: reweighted, scalingTemperature: settings.scalingTemperature,
                                                   degree: settings.degree, source: directory.path)
        try stage.writeJSON(result, as: "critical.json")
        try stage.writeText(CriticalReport.table(result), as: "critical.csv")
        try stage.writeText(CriticalReport.page(result), as: "report/index.html")
        try stage.finish()
        return result
    }
}
