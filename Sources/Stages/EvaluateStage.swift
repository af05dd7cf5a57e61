import Artifacts
import Distributed
import Execution
import Foundation
import Learning
import MacroSDE
import Metrics
import Reports
import Systems

/// The evaluation stage (Docs/METHOD.md §5): SDE rollouts against true large-system trajectories.
///
/// Test trajectories come from simulate stages of the large system; runs with the same initial
/// parameters form one test condition. Every record is encoded with the latent map; where record
/// times are random (Glauber dynamics) each trajectory is interpolated linearly onto the model's grid
/// t_k = k·(mean recorded step) (held at its last value past its end); the SDE is rolled out from
/// each true trajectory's encoded initial state on that grid. Per condition: MMD² per time (V and U,
/// both ensembles standardised by the truth's `SpreadScale`), its temporal mean, the relative error
/// of ensemble means per component and overall, the transient error over the relaxation window,
/// the same metrics between two halves of the truth (the noise floor), the fraction of initial
/// latents outside the model's training range, and mean ± std curves; then the means over conditions.
/// A model conditioned on control parameters is rolled out at each test stage's own values
/// (`ModelTestInputs.controls`), which every condition of that stage records. A reference model
/// (`ModelTestInputs.reference`) is rolled out and scored beside it (`ReferenceModelMetrics`).
public enum EvaluateStage: Stage {
    public static let name = "evaluate"

    /// The kernel bandwidths of the MMD.
    public struct Settings: StageSettings {
        public var bandwidths = MMD.referenceBandwidths

        public init() {}

        public func validate() throws {
            try SettingsError.require(!bandwidths.isEmpty && bandwidths.allSatisfy { $0 > 0 && $0.isFinite },
                                      "the MMD bandwidths must be positive and finite numbers; got \(bandwidths)")
        }
    }

    /// Rollouts of one test condition that ran away, leaving fewer than two to compare with the truth.
    public struct RunawayRollouts: Error, CustomStringConvertible {
        public let description: String
    }

    public struct ConditionMetrics: Codable, Sendable {
        public var source: String
        public var initial: [Double]
        public var trajectories: Int
        public var temporalMMDV: Double
        public var temporalMMDU: Double
        public var relativeError: Double
        public var relativeErrorPerComponent: [Double]
        public var nonFiniteRollouts: Int
        /// Rollouts that ran away beyond the model's escape bounds (`LatentRange.escapeBounds`: ten
        /// widths of the training range beyond it), excluded from the metrics like non-finite ones; nil when the model
        /// records no training range.
        public var escapedRollouts: Int?
        /// Temporal MMD² (V) of the trivial baseline that keeps every trajectory at its initial latent.
        public var constantBaselineMMDV: Double?
        /// The MMD's standardisation: the truth's within-ensemble spread per latent component.
        public var mmdScale: [Double]?
        /// t_r, the end of the relaxation window (`relaxationIndex(ofMean:times:dimension:)`).
        public var relaxationTime: Double?
        /// The error of ensemble means over the relaxation window, relative to the transient's size; nil when the truth does not move.
        public var transientError: Double?
        /// The transient error of the baseline that keeps every trajectory at its initial latent.
        public var constantBaselineTransientError: Double?
        /// The metrics between the even- and odd-indexed true trajectories (nil with fewer than 4).
        public var noiseFloorMMDV: Double?
        public var noiseFloorMMDU: Double?
        public var noiseFloorRelativeError: Double?
        public var noiseFloorTransientError: Double?
        /// The fraction of initial latents with a component outside the training pairs' start range; nil when the model records none.
        public var outsideTrainingRange: Double?
        /// The values of the model's control parameters the condition was rolled out at (its test stage's); nil for a model without controls.
        public var controls: [String: Double]?
        /// `initial` by the system's initial-parameter names (`{"k": 0.05, "m": 0.45}`); nil in files written before it was recorded.
        public var parameters: [String: Double]?
        /// The reference model's metrics in this condition; nil without a reference model.
        public var reference: ReferenceModelMetrics.Condition?

        public init(source: String, initial: [Double], trajectories: Int, temporalMMDV: Double, temporalMMDU: Double,
                    relativeError: Double, relativeErrorPerComponent: [Double], nonFiniteRollouts: Int, constantBaselineMMDV: Double? = nil) {
            self.source = source
            self.initial = initial
            self.trajectories = trajectories
            self.temporalMMDV = temporalMMDV
            self.temporalMMDU = temporalMMDU
            self.relativeError = relativeError
            self.relativeErrorPerComponent = relativeErrorPerComponent
            self.nonFiniteRollouts = nonFiniteRollouts
            self.constantBaselineMMDV = constantBaselineMMDV
        }
    }

    public struct Summary: Codable, Sendable {
        public var latent: [String]
        public var bandwidths: [Double]
        public var conditions: [ConditionMetrics]
        public var averageMMDV: Double
        public var averageMMDU: Double
        public var relativeError: Double
        /// The means over conditions of the noise floor, transient error and coverage (over the conditions that have them).
        public var averageNoiseFloorMMDV: Double?
        public var averageNoiseFloorMMDU: Double?
        public var noiseFloorRelativeError: Double?
        public var transientError: Double?
        public var noiseFloorTransientError: Double?
        /// The fraction of all test initial latents outside the training range; nil when the model records none.
        public var outsideTrainingRange: Double?
        /// The model's training start range.
        public var trainingStartRange: SDECheckpoint.LatentRange?
        /// The model judged: its train-sde stage, λ, K, diffusion mode and seed; nil in files written before it was recorded.
        public var model: ModelRecord?
        /// The reference model, named, and its averages; nil without a reference model.
        public var reference: ReferenceModelMetrics.Summary?

        public init(latent: [String], bandwidths: [Double], conditions: [ConditionMetrics], averageMMDV: Double,
                    averageMMDU: Double, relativeError: Double) {
            self.latent = latent
            self.bandwidths = bandwidths
            self.conditions = conditions
            self.averageMMDV = averageMMDV
            self.averageMMDU = averageMMDU
            self.relativeError = relativeError
        }
    }

    /// The mean of the values present; nil if none is.
    static func average(_ values: [Double?]) -> Double? {
        let present = values.compactMap { $0 }
        return present.isEmpty ? nil : present.reduce(0, +) / Double(present.count)
    }

    public static func validate(_ settings: Settings, inputs: ModelTestInputs) throws {
        try inputs.validate()
    }

    public static func perform(_ settings: Settings, inputs: ModelTestInputs, seed: UInt64, directory: URL) throws -> Summary {
        try Evaluation(inputs: inputs, bandwidths: settings.bandwidths, seed: seed, directory: directory)
            .withLatentMap(for: try inputs.system, closure: inputs.closure)
    }

    private struct Evaluation: LatentMapConsumer {
        let inputs: ModelTestInputs
        let bandwidths: [Double]
        let seed: UInt64
        let directory: URL

        func consume<System: MicroscopicSystem>(_ system: System, _ map: LatentMap<System>) throws -> Summary {
            // Opened first, so that the stage's time covers encoding the tests and a stale manifest is gone while it runs.
            // Under mpirun every rank computes the metrics from the shared rollouts and latents; rank 0 alone writes.
            let world = Communicator.world
            let run = try world.onRoot {
                try StageRun(stage: EvaluateStage.name, directory: directory,
                             config: ["latent": .array(map.names.map { .string($0) }), "bandwidths": .array(bandwidths.map { .number($0) })],
                             seed: seed, checkedInputs: [inputs.model.input] + map.inputs + inputs.tests.map(\.input) + (inputs.reference.map { [$0.input] } ?? []),
                             threads: ThreadCount.current, ranks: world.size)
            }
            let checkpoint = inputs.model.checkpoint
            let clock = inputs.model.lineage?.clock ?? .physical
            guard checkpoint.model.dimension == map.names.count else {
                throw LineageError(inputs.model.directory.path, "the SDE has \(checkpoint.model.dimension) latent components, the latent map \(map.names.count) (\(map.names.joined(separator: ", ")))")
            }
            var conditions: [ConditionMetrics] = []
            var curves: [String: [Double]] = [:]
            var gridLength: Int?
            var testStarts: [Double] = []
            // Every compared trajectory, for users' own figures: rollouts (NaN where they ran away) and the encoded truth.
            var samples = (predicted: [Double](), truth: [Double](), condition: [Int64]())
            let mmd = MMD(bandwidths: bandwidths)
            let n = map.names.count
            for (testIndex, test) in inputs.tests.enumerated() {
                let file = test.file
                guard let testSystem = test.system as? System else { throw LineageError(file.path, "is not a \(System.identifier) simulation") }
                let trajectories = try test.read(testSystem)
                let records: Int = trajectories.records
                guard gridLength == nil || gridLength == records else {
                    throw ArtifactError(file.path, "has \(records) records per run; earlier test stages had \(gridLength ?? 0)")
                }
                guard records >= 2 else { throw ArtifactError(file.path, "has \(records) record per run; a trajectory needs at least 2") }
                // The test's times on the model's clock: for sweeps, this test stage's own.
                let sweep = clock == .sweeps
                    ? RecordedInterval.sweep(recordedInterval: try RecordedInterval.mean(of: trajectories.times, runs: trajectories.runs, records: records, file: file),
                                             of: testSystem) : 1
                let times: [Double] = trajectories.times.map { $0 / sweep }
                gridLength = records
                let latents = try map.phi(sharedOver: world)(trajectories.states, testSystem)
                // Two phases per condition: the rollouts, then the metrics (MMD², errors, noise floor, baseline).
                let progress = Progress("evaluate \(test.stage.directory.lastPathComponent) (rollouts, metrics per condition)",
                                        total: 2 * trajectories.conditions.count)
                for (key, members) in trajectories.conditions {
                    let conditionName = key.isEmpty ? "the condition" : ControlParameterNames.describe(System.initialParameterNames, key)
                    guard members.count >= 2 else {
                        throw ArtifactError(file.path, "test condition \(key) has \(members.count) trajectory; MMD needs at least 2")
                    }
                    let (grid, truth) = EvaluateStage.onCommonGrid(latents: latents, times: times, runs: members, records: records, dimension: n)
                    guard grid[1] > grid[0] else { throw ArtifactError(file.path, "test condition \(key): the records' times do not advance") }
                    let start = Tensor(shape: [members.count, n], data: members.flatMap { run in (0..<n).map { Float(latents[run * records][$0]) } })
                    let controls = members.flatMap { _ in inputs.controls[testIndex] }
                    let rollout = try EvaluateStage.rollout(inputs.model, from: start, controls: controls, grid: grid, seed: seed &+ UInt64(conditions.count), over: world)
                    progress.show("\(conditionName): \(members.count) rollouts done")
                    progress.advance()
                    let predicted = rollout.trajectories.data.map(Double.init)
                    let finitePredicted = EvaluateStage.finiteTrajectories(predicted, size: records * n)
                    guard finitePredicted.count >= 2 * records * n else {
                        throw RunawayRollouts(description: "test condition \(key) of \(file.path): \(members.count - finitePredicted.count / (records * n)) of "
                            + "\(members.count) rollouts ran away (\(rollout.escaped) left the training range by more than ten times its width, "
                            + "\(rollout.nonFinite) became non-finite); fewer than 2 remain to compare with the truth")
                    }
                    let trueMoments = ensembleMoments(truth, times: records, dimension: n)
                    let scale = SpreadScale(of: truth, times: records, dimension: n)
                    let r = relaxationIndex(ofMean: trueMoments.mean, times: records, dimension: n)
                    let model = EnsembleDiscrepancy(predicted: finitePredicted, true: truth, times: records, dimension: n, mmd: mmd, scale: scale, relaxationIndex: r)
                    let floor = EnsembleDiscrepancy.noiseFloor(of: truth, times: records, dimension: n, mmd: mmd, scale: scale, relaxationIndex: r)
                    // The do-nothing baseline: every trajectory stays at its initial latent.
                    let constant: [Double] = (0..<members.count).flatMap { (j: Int) -> [Double] in
                        let initialLatent = Array(truth[(j * records * n)..<(j * records * n + n)])
                        return (0..<records).flatMap { _ in initialLatent }
                    }
                    let baseline = EnsembleDiscrepancy(predicted: constant, true: truth, times: records, dimension: n, mmd: mmd, scale: scale, relaxationIndex: r)
                    let perComponent = (0..<n).map { k in
                        relativeErrorOfMeans(predicted: EvaluateStage.component(finitePredicted, k, n), true: EvaluateStage.component(truth, k, n),
                                             times: records, dimension: 1)
                    }
                    let predictedMoments = ensembleMoments(predicted, times: records, dimension: n)
                    var reference: ReferenceModelMetrics.Condition?
                    if let referenceModel = inputs.reference {
                        // The same starts, controls, grid and seed: the two models draw the same noise.
                        let values = try EvaluateStage.rollout(referenceModel, from: start, controls: controls, grid: grid, seed: seed &+ UInt64(conditions.count), over: world)
                            .trajectories.data.map(Double.init)
                        let finite = EvaluateStage.finiteTrajectories(values, size: records * n)
                        let judged = finite.count >= 2 * records * n
                            ? EnsembleDiscrepancy(predicted: finite, true: truth, times: records, dimension: n, mmd: mmd, scale: scale, relaxationIndex: r) : nil
                        reference = ReferenceModelMetrics.Condition(temporalMMDV: judged?.temporalMMDV, temporalMMDU: judged?.temporalMMDU,
                                                                    relativeError: judged?.relativeError, transientError: judged?.transientError,
                                                                    runawayRollouts: members.count - finite.count / (records * n))
                        // No mean of no trajectory: NaN (drawn as nothing), not ensembleMoments' zeros.
                        let moments = finite.isEmpty ? ([Double](repeating: .nan, count: records * n), [Double](repeating: .nan, count: records * n))
                            : ensembleMoments(values, times: records, dimension: n)
                        curves["mean_reference", default: []] += moments.0
                        curves["std_reference", default: []] += moments.1
                    }
                    samples.predicted += predicted
                    samples.truth += truth
                    samples.condition += [Int64](repeating: Int64(conditions.count), count: members.count)
                    curves["mmd_v", default: []] += model.mmdV
                    curves["mmd_u", default: []] += model.mmdU
                    curves["times", default: []] += grid
                    curves["mean_predicted", default: []] += predictedMoments.mean
                    curves["std_predicted", default: []] += predictedMoments.std
                    curves["mean_true", default: []] += trueMoments.mean
                    curves["std_true", default: []] += trueMoments.std
                    var metrics = ConditionMetrics(
                        source: test.stage.directory.path, initial: key, trajectories: members.count, temporalMMDV: model.temporalMMDV,
                        temporalMMDU: model.temporalMMDU, relativeError: model.relativeError, relativeErrorPerComponent: perComponent,
                        nonFiniteRollouts: rollout.nonFinite, constantBaselineMMDV: baseline.temporalMMDV)
                    metrics.escapedRollouts = checkpoint.startRange.map { _ in rollout.escaped }
                    metrics.controls = inputs.namedControls(ofTest: testIndex)
                    metrics.parameters = Dictionary(uniqueKeysWithValues: zip(System.initialParameterNames, key))
                    metrics.mmdScale = scale.spread
                    metrics.relaxationTime = grid[r]
                    metrics.transientError = model.transientError
                    metrics.constantBaselineTransientError = baseline.transientError
                    metrics.noiseFloorMMDV = floor?.temporalMMDV
                    metrics.noiseFloorMMDU = floor?.temporalMMDU
                    metrics.noiseFloorRelativeError = floor?.relativeError
                    metrics.noiseFloorTransientError = floor?.transientError
                    let starts = start.data.map(Double.init)
                    testStarts += starts
                    metrics.outsideTrainingRange = checkpoint.startRange.map { fractionOutside(starts, dimension: n, lower: $0.lower, upper: $0.upper) }
                    metrics.reference = reference
                    conditions.append(metrics)
                    progress.show("\(conditionName): MMD² V \(SignificantDigits.text(model.temporalMMDV)) (floor \(SignificantDigits.text(floor?.temporalMMDV)))")
                    progress.advance()
                }
                progress.finish()
            }
            let count = Double(conditions.count)
            var summary = Summary(latent: map.names, bandwidths: bandwidths, conditions: conditions,
                                  averageMMDV: conditions.map(\.temporalMMDV).reduce(0, +) / count,
                                  averageMMDU: conditions.map(\.temporalMMDU).reduce(0, +) / count,
                                  relativeError: conditions.map(\.relativeError).reduce(0, +) / count)
            summary.averageNoiseFloorMMDV = EvaluateStage.average(conditions.map(\.noiseFloorMMDV))
            summary.averageNoiseFloorMMDU = EvaluateStage.average(conditions.map(\.noiseFloorMMDU))
            summary.noiseFloorRelativeError = EvaluateStage.average(conditions.map(\.noiseFloorRelativeError))
            summary.transientError = EvaluateStage.average(conditions.map(\.transientError))
            summary.noiseFloorTransientError = EvaluateStage.average(conditions.map(\.noiseFloorTransientError))
            summary.trainingStartRange = checkpoint.startRange
            let description = try ModelDescription(inputs.model)
            summary.model = description.record
            let referenceDescription = try inputs.reference.map(ModelDescription.init)
            if let referenceDescription {
                summary.reference = ReferenceModelMetrics.Summary(model: referenceDescription.record, conditions: conditions.compactMap(\.reference))
            }
            summary.outsideTrainingRange = checkpoint.startRange.map { fractionOutside(testStarts, dimension: n, lower: $0.lower, upper: $0.upper) }
            let uncovered = conditions.filter { ($0.outsideTrainingRange ?? 0) > 0 }
            if !uncovered.isEmpty && world.isRoot {
                FileHandle.standardError.write(Data(("warning: test initial latents outside the training pairs' start range in condition(s) "
                    + uncovered.map { "\(EvaluateStage.name($0)) (\(String(format: "%.0f", 100 * $0.outsideTrainingRange!)) %)" }.joined(separator: ", ")
                    + "; the SDE extrapolates there\n").utf8))
            }
            let runaways = conditions.filter { ($0.escapedRollouts ?? 0) + $0.nonFiniteRollouts > 0 }
            if !runaways.isEmpty && world.isRoot {
                FileHandle.standardError.write(Data(("warning: rollouts ran away (left the training range by more than ten times its width, or became non-finite) and are "
                    + "excluded from the metrics in condition(s) "
                    + runaways.map { "\(EvaluateStage.name($0)) (\(($0.escapedRollouts ?? 0) + $0.nonFiniteRollouts) of \($0.trajectories))" }.joined(separator: ", ")
                    + "\n").utf8))
            }
            let referenceRunaways = conditions.filter { ($0.reference?.runawayRollouts ?? 0) > 0 }
            if !referenceRunaways.isEmpty && world.isRoot {
                FileHandle.standardError.write(Data(("warning: rollouts of the reference model ran away and are excluded from its metrics in condition(s) "
                    + referenceRunaways.map { "\(EvaluateStage.name($0)) (\($0.reference!.runawayRollouts) of \($0.trajectories))" }.joined(separator: ", ")
                    + "\n").utf8))
            }
            _ = try world.onRoot {
                guard let run else { preconditionFailure("the root writes the evaluation") }
                let c = conditions.count, t = gridLength ?? 0
                for (name, values) in curves.sorted(by: { $0.key < $1.key }) {
                    let shape = ["mmd_v", "mmd_u", "times"].contains(name) ? [c, t] : [c, t, n]
                    try run.write(try NumPyArray(values, shape: shape), as: "\(name).npy")
                }
                try run.write(NPZArchive([
                    ("predicted", try NumPyArray(samples.predicted, shape: [samples.condition.count, t, n])),
                    ("true", try NumPyArray(samples.truth, shape: [samples.condition.count, t, n])),
                    ("condition", NumPyArray(samples.condition)),
                ]), as: "samples.npz")
                try run.writeJSON(summary, as: "metrics.json")
                try run.writeText(EvaluateStage.conditionsCSV(summary).text, as: "metrics.csv")
                try run.writeText(EvaluateStage.averageCSV(summary).text, as: "metrics_average.csv")
                let report = EvaluationReport(summary: summary, curves: curves, records: t, predicted: samples.predicted, truth: samples.truth,
                                              condition: samples.condition, system: System.identifier, timeUnit: clock.unit(physical: System.timeUnit), sites: inputs.tests[0].system.spatialShape.reduce(1, *),
                                              normalisation: map.normalisation, model: description, reference: referenceDescription,
                                              history: EvaluationReport.History(model: inputs.model.directory), seed: seed)
                try run.writeText(report.html, as: "report/index.html")
                try run.finish()
            }
            return summary
        }
    }

    /// The latents of `runs` on one time grid: the records' own times where every run shares them,
    /// else k·(mean recorded step) with each run interpolated linearly (and held past its end).
    static func onCommonGrid(latents: [[Double]], times: [Double], runs: [Int], records: Int, dimension n: Int) -> (grid: [Double], values: [Double]) {
        let reference = Array(times[(runs[0] * records)..<((runs[0] + 1) * records)])
        let shared = runs.allSatisfy { run in (0..<records).allSatisfy { abs(times[run * records + $0] - reference[$0]) <= 1e-12 * max(1, abs(reference[$0])) } }
        let step = runs.map { times[$0 * records + records - 1] - times[$0 * records] }.reduce(0, +) / Double(runs.count * (records - 1))
        let grid = shared ? reference : (0..<records).map { Double($0) * step }
        var values: [Double] = []
        values.reserveCapacity(runs.count * records * n)
        for run in runs {
            var k = 0
            for target in grid {
                while k + 1 < records - 1 && times[run * records + k + 1] <= target { k += 1 }
                let t0 = times[run * records + k], t1 = times[run * records + min(k + 1, records - 1)]
                let weight = t1 > t0 ? min(max((target - t0) / (t1 - t0), 0), 1) : 0
                let a = latents[run * records + k], b = latents[run * records + min(k + 1, records - 1)]
                values += (0..<n).map { (1 - weight) * a[$0] + weight * b[$0] }
            }
        }
        return (grid, values)
    }

    /// `model`'s rollouts from the rows of `start` (at one row of `controls` each, flattened) on the
    /// test's time `grid`, in Euler–Maruyama substeps no longer than its training pairs' δt, the
    /// ranks of `world` sharing the trajectories (`Communicator.sharedRollout`).
    static func rollout(_ model: ModelSource, from start: Tensor, controls: [Double], grid: [Double], seed: UInt64, over world: Communicator) throws -> Rollout.Result {
        let checkpoint = model.checkpoint, substeps = try checkpoint.substeps(over: grid[1] - grid[0])
        return try world.sharedRollout(of: start.batch) { trajectories in
            Rollout.run(checkpoint.model, initial: start, controls: controls, steps: grid.count - 1, dt: (grid[1] - grid[0]) / checkpoint.timeScale,
                        substeps: substeps, bounds: checkpoint.startRange?.escapeBounds, seed: seed, trajectories: trajectories)
        }
    }

    static func finiteTrajectories(_ values: [Double], size: Int) -> [Double] {
        (0..<(values.count / size)).flatMap { j -> ArraySlice<Double> in
            let trajectory = values[(j * size)..<((j + 1) * size)]
            return trajectory.allSatisfy(\.isFinite) ? trajectory : []
        }
    }

    static func component(_ values: [Double], _ k: Int, _ n: Int) -> [Double] {
        Swift.stride(from: k, to: values.count, by: n).map { values[$0] }
    }

    /// A condition's name: its initial parameters by name (`k = 0.05, m = 0.45`; bare values in
    /// files that do not name them), and its control values if any (`T = 2000`).
    static func name(_ condition: ConditionMetrics) -> String {
        func named(_ values: [String: Double]) -> String {
            values.sorted { $0.key < $1.key }.map { "\($0.key) = \(SignificantDigits.text($0.value))" }.joined(separator: ", ")
        }
        let initial = condition.parameters.map(named) ?? condition.initial.map { String(format: "%g", $0) }.joined(separator: ", ")
        let parts = [initial, condition.controls.map(named) ?? ""].filter { !$0.isEmpty }
        return parts.isEmpty ? "all test runs" : parts.joined(separator: " at ")
    }

    /// `metrics.csv`: one row per condition — its source, initial parameters by name
    /// (`initial_<name>`), control values (`control_<name>`, conditioned models only), metrics
    /// and the model's columns (`ModelRecord`), the same in every row; then, with a reference
    /// model, its stage and metrics (`reference_…`).
    static func conditionsCSV(_ summary: Summary) -> CSVTable {
        let parameters = (summary.conditions.first?.parameters ?? [:]).keys.sorted()
        let controls = (summary.conditions.first?.controls ?? [:]).keys.sorted()
        var table = CSVTable(header: ["source"] + parameters.map { "initial_\($0)" } + controls.map { "control_\($0)" }
            + ["trajectories", "temporal_mmd_v", "noise_floor_mmd_v", "temporal_mmd_u", "noise_floor_mmd_u", "relative_error",
               "noise_floor_relative_error", "transient_error", "noise_floor_transient_error", "relaxation_time", "outside_training_range"]
            + summary.latent.map { "relative_error_\($0)" } + ["non_finite_rollouts", "escaped_rollouts"] + modelColumns
            + (summary.reference == nil ? [] : ["reference_model", "reference_temporal_mmd_v", "reference_temporal_mmd_u", "reference_relative_error",
                                               "reference_transient_error", "reference_runaway_rollouts"]))
        for c in summary.conditions {
            table.rows.append([c.source] + parameters.map { CSVTable.field(c.parameters?[$0]) } + controls.map { CSVTable.field(c.controls?[$0]) }
                + [String(c.trajectories)]
                + [c.temporalMMDV, c.noiseFloorMMDV, c.temporalMMDU, c.noiseFloorMMDU, c.relativeError, c.noiseFloorRelativeError,
                   c.transientError, c.noiseFloorTransientError, c.relaxationTime, c.outsideTrainingRange].map(CSVTable.field)
                + c.relativeErrorPerComponent.map(CSVTable.field) + [String(c.nonFiniteRollouts), c.escapedRollouts.map(String.init) ?? ""]
                + modelFields(summary.model)
                + (summary.reference.map { reference in
                    [reference.model.stage] + [c.reference?.temporalMMDV, c.reference?.temporalMMDU, c.reference?.relativeError, c.reference?.transientError].map(CSVTable.field)
                        + [c.reference.map { String($0.runawayRollouts) } ?? ""]
                } ?? []))
        }
        return table
    }

    /// `metrics_average.csv`: one row, the means over conditions of `metrics.csv`'s metrics, the
    /// model's columns and, with a reference model, its stage and averages (`reference_…`).
    static func averageCSV(_ summary: Summary) -> CSVTable {
        CSVTable(header: ["conditions", "average_mmd_v", "noise_floor_mmd_v", "average_mmd_u", "noise_floor_mmd_u", "relative_error",
                          "noise_floor_relative_error", "transient_error", "noise_floor_transient_error", "outside_training_range"] + modelColumns
                    + (summary.reference == nil ? [] : ["reference_model", "reference_average_mmd_v", "reference_average_mmd_u", "reference_relative_error",
                                                       "reference_transient_error"]),
                 rows: [[String(summary.conditions.count)]
                     + [summary.averageMMDV, summary.averageNoiseFloorMMDV, summary.averageMMDU, summary.averageNoiseFloorMMDU, summary.relativeError,
                        summary.noiseFloorRelativeError, summary.transientError, summary.noiseFloorTransientError, summary.outsideTrainingRange].map(CSVTable.field)
                     + modelFields(summary.model)
                     + (summary.reference.map { [$0.model.stage] + [$0.averageMMDV, $0.averageMMDU, $0.relativeError, $0.transientError].map(CSVTable.field) } ?? [])])
    }

    /// The model's columns of both CSV files.
    static let modelColumns = ["model", "lambda", "lambda_setting", "patches", "diffusion", "model_seed"]

    /// A `ModelRecord` as the fields under `modelColumns` (empty where unknown).
    static func modelFields(_ model: ModelRecord?) -> [String] {
        [model?.stage ?? "", CSVTable.field(model?.lambda), model?.lambdaSetting ?? "", model?.patches.map(String.init) ?? "",
         model?.diffusion ?? "", model?.seed.map(String.init) ?? ""]
    }
}
