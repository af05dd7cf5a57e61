import Artifacts
import Execution
import Foundation
import Linalg
import Learning
import MacroSDE
import Random
import Reports
import Systems

/// The learned drift and diffusion against the truth, at states where the truth is known.
///
/// Two sources of truth:
/// - the system's exact macroscopic law (`ExactMacroscopicLaw`, Curie–Weiss), on a uniform grid of
///   the one-dimensional latent over the range of the test trajectories' initial latents (record 0); used
///   when the latent is the observables alone;
/// - otherwise short bursts of direct large-system simulation: from the records of the test
///   trajectories at chosen record indices (the burst states), many replicas of the whole system
///   run for a time h each, recorded at h/2 and h. The drift is the mean Richardson combination
///   (4Δ(h/2) − Δ(h))/h, free of the O(h) bias a single increment has, with its standard error; the
///   diffusion the variance of Δ(h)/h between replicas of the same state, pooled over states.
///
/// The model is evaluated at the same latents: b(z)/τ and σσᵀ(z)/τ, τ the model's time scale, so
/// both are per unit of physical time (λ does not enter: σ is fitted as the whole system's). A model
/// conditioned on control parameters is evaluated at each test stage's values, and the exact law's
/// grid is laid out separately for each set of control values (with that stage's system's law).
public enum DynamicsCheck: Stage {
    /// Where bursts of direct simulation start and how many run.
    public struct Bursts: Sendable {
        /// Record indices of every test trajectory to start from.
        public var records = [0, 2, 4, 8]
        /// Test runs per condition whose records serve as states.
        public var states = 8
        /// Replicas per state.
        public var replicas = 32
        /// The burst time h (nil: the model's time unit, the training pairs' mean δt when it was
        /// trained with rescaled time).
        public var time: Double?

        public init() {}
    }

    /// One state (or grid point) of the check: the truth and the model there, per latent component.
    public struct Point: Codable, Sendable {
        public var label: String
        public var latent: [Double]
        public var trueDrift: [Double]
        /// Standard error of the true drift (0 for an exact law).
        public var trueDriftError: [Double]
        public var learnedDrift: [Double]
        /// Diagonal of the diffusion Σ = σσᵀ.
        public var trueDiffusion: [Double]
        public var learnedDiffusion: [Double]
        /// The values of the model's control parameters here (its test stage's); nil for a model without controls.
        public var controls: [String: Double]?
    }

    /// Every point, with the errors per latent component.
    public struct Summary: Codable, Sendable {
        public var latent: [String]
        /// `exact law` or `direct simulation`.
        public var truth: String
        public var points: [Point]
        /// max over points of |learned − true drift|, divided by max over points of |true drift|.
        public var worstDriftError: [Double]
        /// The same over the points whose true drift exceeds three standard errors (all of them for
        /// an exact law); nil where no point does.
        public var worstResolvedDriftError: [Double?]
        /// Mean over points of |learned − true| / true diffusion.
        public var meanDiffusionError: [Double]
    }

    /// Runs the check for the SDE of `modelDirectory` on the test simulate stages `tests`, with the
    /// latent map of `closure` (or the observables), and writes `dynamics.json` and `report/index.html`.
    /// What the check compares: the exact law's grid, or where and how many bursts run.
    public struct Settings: StageSettings {
        /// Grid points of the exact law.
        public var gridPoints = 11
        public var bursts = Bursts()

        public init() {}

        public func validate() throws {
            try SettingsError.require(gridPoints >= 2, "the grid needs at least 2 points; got \(gridPoints)")
            try SettingsError.require(bursts.states >= 1 && bursts.replicas >= 2 && !bursts.records.isEmpty && bursts.records.allSatisfy { $0 >= 0 },
                                      "bursts need at least one state, two replicas and non-negative record indices")
            if let time = bursts.time { try SettingsError.require(time > 0 && time.isFinite, "the burst time must be positive and finite; got \(time)") }
        }
    }

    public static let name = "check-dynamics"

    public static func validate(_ settings: Settings, inputs: ModelTestInputs) throws {
        try inputs.validate()
        if inputs.model.lineage?.clock == .sweeps {
            throw LineageError(inputs.model.directory.path, "runs on sweeps (encode --clock sweeps); check-dynamics compares drifts "
                               + "in physical time, so evaluate this model instead")
        }
    }

    public static func perform(_ settings: Settings, inputs: ModelTestInputs, seed: UInt64, directory: URL) throws -> Summary {
        try Check(inputs: inputs, gridPoints: settings.gridPoints, bursts: settings.bursts, seed: seed, directory: directory)
            .withLatentMap(for: try inputs.system, closure: inputs.closure)
    }

    private struct Check: LatentMapConsumer {
        let inputs: ModelTestInputs
        let gridPoints: Int
        let bursts: Bursts
        let seed: UInt64
        let directory: URL

        func consume<System: MicroscopicSystem>(_ system: System, _ map: LatentMap<System>) throws -> Summary {
            let checkpoint = inputs.model.checkpoint
            let n = map.names.count
            let exact = n == 1 && map.normalisation == "none" && system is any ExactMacroscopicLaw
            let truth = exact ? "exact law" : "direct simulation"
            let run = try StageRun(stage: DynamicsCheck.name, directory: directory,
                                   config: ["latent": .array(map.names.map { .string($0) }), "truth": .string(truth),
                                            "gridPoints": .number(Double(gridPoints)), "records": .array(bursts.records.map { .number(Double($0)) }),
                                            "states": .number(Double(bursts.states)), "replicas": .number(Double(bursts.replicas)),
                                            "burstTime": .number(bursts.time ?? checkpoint.timeScale)],
                                   seed: seed, checkedInputs: [inputs.model.input] + map.inputs + inputs.tests.map(\.input),
                                   threads: ThreadCount.current)
            guard checkpoint.model.dimension == n else {
                throw LineageError(inputs.model.directory.path, "the SDE has \(checkpoint.model.dimension) latent components, the latent map \(n) (\(map.names.joined(separator: ", ")))")
            }
            var truths: [Truth<System>] = []
            for (index, test) in inputs.tests.enumerated() {
                guard let testSystem = test.system as? System, testSystem.spatialShape == system.spatialShape else {
                    throw LineageError(test.stage.directory.path, "is not a \(System.identifier) simulation of the model's size \(system.spatialShape)")
                }
                let trajectories = try test.read(testSystem)
                let (runs, records, all) = (trajectories.runs, trajectories.records, trajectories.states)
                for record in bursts.records where record < records {
                    let chosen = (0..<min(bursts.states, runs)).map { all[$0 * records + record] }
                    truths.append(Truth(label: "\(test.stage.directory.lastPathComponent), record \(record)", record: record, states: chosen,
                                        system: testSystem, controls: inputs.controls[index], namedControls: inputs.namedControls(ofTest: index)))
                }
            }
            guard !truths.isEmpty else { throw SettingsError("no test trajectory has any of the records \(bursts.records)") }
            let points: [Point]
            if exact {
                points = try exactPoints(truths: truths, map: map, checkpoint: checkpoint)
            } else {
                points = try simulatedPoints(truths: truths, map: map, checkpoint: checkpoint, time: bursts.time ?? checkpoint.timeScale)
            }
            let summary = DynamicsCheck.summarise(points, latent: map.names, truth: truth)
            try run.writeJSON(summary, as: "dynamics.json")
            try run.writeText(DynamicsCheck.report(summary), as: "report/index.html")
            try run.finish()
            return summary
        }

        /// The exact law and the model on a uniform grid over the range of the states' latents, one
        /// grid per set of control values (one in all for a model without controls), with the law of
        /// the first test system at those values.
        private func exactPoints<System: MicroscopicSystem>(truths: [Truth<System>], map: LatentMap<System>, checkpoint: SDECheckpoint) throws -> [Point] {
            let initial = truths.filter { $0.record == 0 }
            guard !initial.isEmpty else { throw SettingsError("the exact law's grid spans the initial states: the records must include 0") }
            var groups: [[Truth<System>]] = []
            for truth in initial {
                if let g = groups.firstIndex(where: { $0[0].controls == truth.controls }) { groups[g].append(truth) } else { groups.append([truth]) }
            }
            return try groups.flatMap { group -> [Point] in
                guard let law = group[0].system as? any ExactMacroscopicLaw else { return [] }
                let latents = try group.flatMap { try map.phi($0.states, $0.system).map { $0[0] } }
                let low = latents.min()!, high = latents.max()!
                let grid = (0..<gridPoints).map { low + (high - low) * Double($0) / Double(gridPoints - 1) }
                let learned = DynamicsCheck.learned(checkpoint, at: grid.map { [$0] }, controls: group[0].controls)
                let label = group[0].namedControls.map { "grid at " + ControlParameterNames.describe($0) } ?? "grid"
                return grid.indices.map { k in
                    Point(label: label, latent: [grid[k]], trueDrift: law.exactDrift(at: [grid[k]]), trueDriftError: [0],
                          learnedDrift: learned.drift[k], trueDiffusion: law.exactDiffusion(at: [grid[k]]), learnedDiffusion: learned.diffusion[k],
                          controls: group[0].namedControls)
                }
            }
        }

        /// Bursts of whole-system dynamics from every state, `replicas` each, over time h.
        private func simulatedPoints<System: MicroscopicSystem>(truths: [Truth<System>], map: LatentMap<System>, checkpoint: SDECheckpoint, time h: Double) throws -> [Point] {
            let n = map.names.count, replicas = bursts.replicas
            guard let weights = RichardsonWeights(t1: h / 2, t2: h) else {
                throw SettingsError("the burst time (the model's time unit unless given) must be positive and finite; got \(h)")
            }
            let progress = Progress("bursts of direct simulation", total: truths.reduce(0) { $0 + $1.states.count } * replicas)
            defer { progress.finish() }
            var points: [Point] = []
            for (index, truth) in truths.enumerated() {
                // Per burst: the configuration at h/2 and at h.
                // NNK barriers call BLAS inside the loop: one OpenBLAS thread per worker.
                let ends = BLASLibrary.withSingleThread {
                    parallelMap(truth.states.count * replicas) { k -> [Grid<System.Site>] in
                        let random = RandomStream(seed: seed, stage: "check-dynamics", index: UInt64(index) << 32 | UInt64(k))
                        let recorded = truth.system.wholeSystemStates(from: truth.states[k / replicas], at: [h / 2, h], random: random)
                        progress.advance()
                        return recorded
                    }
                }
                let start = try map.phi(truth.states, truth.system)
                let half = try map.phi(ends.map { $0[0] }, truth.system), full = try map.phi(ends.map { $0[1] }, truth.system)
                var drifts: [[Double]] = [], pooledVariance = [Double](repeating: 0, count: n)
                for s in truth.states.indices {
                    let increments = (0..<replicas).map { r in zip(full[s * replicas + r], start[s]).map { $0 - $1 } }
                    for r in 0..<replicas {
                        drifts.append(estimatedIncrement(before: start[s], midway: half[s * replicas + r], after: full[s * replicas + r],
                                                         weights: weights).map { $0 / h })
                    }
                    for c in 0..<n {
                        let mean = increments.reduce(0) { $0 + $1[c] } / Double(replicas)
                        pooledVariance[c] += increments.reduce(0) { $0 + pow($1[c] - mean, 2) } / Double(replicas - 1) / h
                    }
                }
                let count = Double(drifts.count)
                let meanDrift = (0..<n).map { c in drifts.reduce(0) { $0 + $1[c] } / count }
                let driftError = (0..<n).map { c in
                    (drifts.reduce(0) { $0 + pow($1[c] - meanDrift[c], 2) } / (count - 1) / count).squareRoot()
                }
                let learned = DynamicsCheck.learned(checkpoint, at: start, controls: truth.controls)
                let states = Double(truth.states.count)
                points.append(Point(
                    label: truth.label, latent: (0..<n).map { c in start.reduce(0) { $0 + $1[c] } / states },
                    trueDrift: meanDrift, trueDriftError: driftError,
                    learnedDrift: (0..<n).map { c in learned.drift.reduce(0) { $0 + $1[c] } / states },
                    trueDiffusion: pooledVariance.map { $0 / states },
                    learnedDiffusion: (0..<n).map { c in learned.diffusion.reduce(0) { $0 + $1[c] } / states },
                    controls: truth.namedControls))
            }
            return points
        }
    }

    /// The test states of one burst source (or the initial states of one test stage, for the exact
    /// law), with their system and the model's control values there.
    private struct Truth<System: MicroscopicSystem> {
        let label: String
        let record: Int
        let states: [Grid<System.Site>]
        let system: System
        /// In the model's order (empty without controls).
        let controls: [Double]
        /// By name; nil without controls.
        let namedControls: [String: Double]?
    }

    /// The model's drift and the diagonal of its diffusion σσᵀ at `latents` and the physical control
    /// values `controls` (the model's; empty without), per unit of physical time.
    static func learned(_ checkpoint: SDECheckpoint, at latents: [[Double]], controls: [Double] = []) -> (drift: [[Double]], diffusion: [[Double]]) {
        let n = checkpoint.model.dimension
        let z = Tensor(shape: [latents.count, n], data: latents.flatMap { $0.map(Float.init) })
        let rows = latents.flatMap { _ in controls }
        let drift = checkpoint.model.driftValues(z, controls: rows), sigma = checkpoint.model.diffusionMatrices(z, controls: rows)
        let tau = checkpoint.timeScale
        return (latents.indices.map { p in (0..<n).map { Double(drift.data[p * n + $0]) / tau } },
                latents.indices.map { p in
                    (0..<n).map { i in (0..<n).reduce(0.0) { $0 + Double(sigma.data[p * n * n + i * n + $1]) * Double(sigma.data[p * n * n + i * n + $1]) } / tau }
                })
    }

    /// The error summary of `points`.
    static func summarise(_ points: [Point], latent: [String], truth: String) -> Summary {
        let n = latent.count
        let worst = (0..<n).map { c -> Double in
            let scale = points.map { abs($0.trueDrift[c]) }.max() ?? 0
            return (points.map { abs($0.learnedDrift[c] - $0.trueDrift[c]) }.max() ?? 0) / max(scale, .leastNormalMagnitude)
        }
        let resolved = (0..<n).map { c -> Double? in
            let chosen = points.filter { abs($0.trueDrift[c]) > 3 * $0.trueDriftError[c] }
            guard !chosen.isEmpty else { return nil }
            let scale = chosen.map { abs($0.trueDrift[c]) }.max()!
            return chosen.map { abs($0.learnedDrift[c] - $0.trueDrift[c]) }.max()! / scale
        }
        let diffusion = (0..<n).map { c in
            points.reduce(0) { $0 + abs($1.learnedDiffusion[c] - $1.trueDiffusion[c]) / $1.trueDiffusion[c] } / Double(max(points.count, 1))
        }
        return Summary(latent: latent, truth: truth, points: points, worstDriftError: worst, worstResolvedDriftError: resolved,
                       meanDiffusionError: diffusion)
    }

    /// The plain-text table `check-dynamics` prints.
    public static func text(_ summary: Summary) -> String {
        func format(_ value: Double) -> String { String(format: "%10.3e", value) }
        var lines = ["truth: \(summary.truth); per unit of physical time"]
        for (c, name) in summary.latent.enumerated() {
            lines.append("\(name): worst drift error \(String(format: "%.3f", summary.worstDriftError[c])) of the largest |drift|"
                + (summary.worstResolvedDriftError[c].map { String(format: " (%.3f where resolved beyond 3 standard errors)", $0) } ?? "")
                + String(format: ", mean diffusion error %.3f", summary.meanDiffusionError[c]))
            lines.append("  state                                 latent  true drift  ± error   learned   true Σ      learned Σ")
            for point in summary.points {
                lines.append("  " + point.label.padding(toLength: 34, withPad: " ", startingAt: 0)
                             + " \(format(point.latent[c])) \(format(point.trueDrift[c])) \(format(point.trueDriftError[c])) \(format(point.learnedDrift[c])) \(format(point.trueDiffusion[c])) \(format(point.learnedDiffusion[c]))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `report/index.html`: per component, the table and the drift and diffusion against the first
    /// latent component, learned (solid) and true (dashed, with ± 2 standard errors).
    static func report(_ summary: Summary) -> String {
        var page = HTMLReport(title: "Learned against true dynamics")
        page.paragraph("Truth: \(summary.truth). Drift and diffusion per unit of physical time, plotted against \(summary.latent[0]).")
        let order = summary.points.indices.sorted { summary.points[$0].latent[0] < summary.points[$1].latent[0] }
        let x = order.map { summary.points[$0].latent[0] }
        for (c, name) in summary.latent.enumerated() {
            page.heading(name)
            page.paragraph(String(format: "Worst drift error %.3f of the largest |drift|; mean relative diffusion error %.3f.",
                                  summary.worstDriftError[c], summary.meanDiffusionError[c]))
            let truth = order.map { summary.points[$0].trueDrift[c] }, error = order.map { 2 * summary.points[$0].trueDriftError[c] }
            page.plot(LinePlot(title: "drift of \(name)", xLabel: summary.latent[0], yLabel: "b", series: [
                LinePlot.Series(name: "learned", x: x, y: order.map { summary.points[$0].learnedDrift[c] }),
                LinePlot.Series(name: "true", x: x, y: truth, band: (zip(truth, error).map { $0 - $1 }, zip(truth, error).map { $0 + $1 }), dashed: true),
            ]))
            page.plot(LinePlot(title: "diffusion of \(name)", xLabel: summary.latent[0], yLabel: "Σ", series: [
                LinePlot.Series(name: "learned", x: x, y: order.map { summary.points[$0].learnedDiffusion[c] }),
                LinePlot.Series(name: "true", x: x, y: order.map { summary.points[$0].trueDiffusion[c] }, dashed: true),
            ]))
        }
        return page.html
    }
}
