import Artifacts
import Foundation
import Reports
import Systems

/// `report/index.html` of the evaluate stage: a page that says what it shows — system, model (λ,
/// K, n_s, seed), named conditions, time in the system's unit, latents marked physical or
/// normalised — with the metrics table, the model's loss curves, MMD² over time beside the noise
/// floor and the constant baseline, mean ± std of every latent component with a few sample
/// trajectories (small multiples, one per condition), and true against model histograms at a few
/// times; a reference model's (typically the naive one's) metrics beside the model's in the table,
/// its mean MMD² as a reference line and its ensemble mean as a dashed line over the bands.
struct EvaluationReport {
    /// The training history of the judged model (its `history.npz`).
    struct History {
        var epoch: [Double]
        var training: [Double]
        var validation: [Double]

        /// The history in the train-sde stage `directory`; nil where it has none.
        init?(model directory: URL) {
            guard let archive = try? NPZArchive.read(directory.appendingPathComponent("history.npz")),
                  let epoch = archive["epoch"], let training = archive["trainingLoss"] else { return nil }
            self.epoch = epoch.doubleValues()
            self.training = training.doubleValues()
            self.validation = archive["validationLoss"]?.doubleValues() ?? training.doubleValues().map { _ in .nan }
        }
    }

    var summary: EvaluateStage.Summary
    /// The per-time arrays written beside it (`times`, `mmd_v`, `mean_predicted`, …), conditions concatenated.
    var curves: [String: [Double]]
    /// Records per trajectory.
    var records: Int
    /// Every compared trajectory, [trajectories, records, latent], and the index of its condition.
    var predicted: [Double]
    var truth: [Double]
    var condition: [Int64]
    /// The test system's identifier, the unit of the model's time and the number of sites n.
    var system: String
    var timeUnit: String
    var sites: Int
    /// How the latents are normalised (`none`: physical units).
    var normalisation: String
    var model: ModelDescription?
    /// The reference model rolled out beside it (`evaluate --reference-model`); nil for none.
    var reference: ModelDescription?
    var history: History?
    var seed: UInt64

    /// Sample trajectories drawn per condition, model and truth each.
    static let samplesShown = 3
    /// Small-multiple size (the axes' area).
    static let small = (width: 270.0, height: 180.0)

    /// `m (physical)` or `closure0 (normalised)`, for axes.
    func axis(_ k: Int) -> String {
        "\(summary.latent[k]) (\(normalisation == "none" ? "physical" : "normalised"))"
    }

    var timeAxis: String { "time (\(timeUnit))" }

    /// The reference model's stage name (`sde-naive`), nil without one.
    var referenceName: String? { reference.map { URL(fileURLWithPath: $0.record.stage).lastPathComponent } }

    var html: String {
        let number = { (value: Double?) in SignificantDigits.text(value) }
        let modelName = model.map { URL(fileURLWithPath: $0.record.stage).lastPathComponent } ?? "an SDE"
        var page = HTMLReport(
            title: "Evaluation of \(modelName) on \(system), n = \(sites) sites",
            subtitle: "System \(system), n = \(sites) sites; stage evaluate, seed \(seed); model \(model?.text ?? "without a readable manifest"); "
                + (reference.map { "reference model \($0.text); " } ?? "")
                + "\(summary.conditions.count) test conditions; time in \(timeUnit); latents \(normalisation == "none" ? "in physical units" : "normalised (\(normalisation))").")
        page.paragraph("Latent: \(summary.latent.joined(separator: ", ")). Average MMD² V \(number(summary.averageMMDV)) (noise floor \(number(summary.averageNoiseFloorMMDV))), "
                       + "U \(number(summary.averageMMDU)) (floor \(number(summary.averageNoiseFloorMMDU))); relative error of ensemble means \(number(summary.relativeError)) "
                       + "(floor \(number(summary.noiseFloorRelativeError))); transient error \(number(summary.transientError)) (floor \(number(summary.noiseFloorTransientError))); "
                       + "test initial latents outside the training range: \(summary.outsideTrainingRange.map { String(format: "%.1f %%", 100 * $0) } ?? "unknown").")
        if let referenceName, let averages = summary.reference {
            page.paragraph("Reference model \(referenceName), rolled out from the same initial latents with the same noise and scored against the same truth: "
                           + "average MMD² V \(number(averages.averageMMDV)), U \(number(averages.averageMMDU)); relative error of ensemble means "
                           + "\(number(averages.relativeError)); transient error \(number(averages.transientError)).")
        }
        page.paragraph("The noise floor compares the even- with the odd-indexed true trajectories, the model all its rollouts with all true "
                       + "trajectories: the V-statistic's bias for equal distributions, (1/m + 1/n)(1 − E k), is twice as large for the halves, "
                       + "so a perfect model's V is about half the floor's where that bias dominates; U is unbiased on both sides. "
                       + "The MMD standardises by the truth's within-ensemble spread per component (mmdScale in metrics.json).")
        let referenceHeader = referenceName.map { name in ["MMD² V", "MMD² U", "relative error", "transient error", "runaway rollouts"].map { "\($0), \(name)" } } ?? []
        page.table(header: ["condition", "trajectories", "MMD² V", "floor V", "MMD² U", "floor U", "relative error", "floor", "transient error", "floor",
                            "t_r", "outside training range", "non-finite rollouts", "runaway rollouts", "MMD² V, constant baseline", "transient error, constant baseline"]
                       + referenceHeader,
                   rows: summary.conditions.map { c in
                       [EvaluateStage.name(c), String(c.trajectories), number(c.temporalMMDV), number(c.noiseFloorMMDV), number(c.temporalMMDU), number(c.noiseFloorMMDU),
                        number(c.relativeError), number(c.noiseFloorRelativeError), number(c.transientError), number(c.noiseFloorTransientError),
                        number(c.relaxationTime), c.outsideTrainingRange.map { String(format: "%.1f %%", 100 * $0) } ?? "unknown",
                        String(c.nonFiniteRollouts), c.escapedRollouts.map(String.init) ?? "unknown", number(c.constantBaselineMMDV), number(c.constantBaselineTransientError)]
                       + (referenceHeader.isEmpty ? [] : [number(c.reference?.temporalMMDV), number(c.reference?.temporalMMDU), number(c.reference?.relativeError),
                                                          number(c.reference?.transientError), c.reference.map { String($0.runawayRollouts) } ?? "–"])
                   })
        var overview: [LinePlot] = []
        if let history {
            overview.append(LinePlot(title: "Training of \(modelName): negative log-likelihood", xLabel: "epoch", yLabel: "loss per pair", series: [
                LinePlot.Series(name: "training (λ = \(number(model?.record.lambda)))", x: history.epoch, y: history.training),
                LinePlot.Series(name: "validation (λ = 1)", x: history.epoch, y: history.validation, dashed: true),
            ]))
        }
        var mmd = LinePlot(title: "MMD² (V-statistic) over time", xLabel: timeAxis, yLabel: "MMD² (standardised latents)", series: summary.conditions.indices.map { c in
            LinePlot.Series(name: EvaluateStage.name(summary.conditions[c]), x: slice("times", c, width: 1), y: slice("mmd_v", c, width: 1))
        }, references: [LinePlot.Reference(name: "noise floor (mean)", y: summary.averageNoiseFloorMMDV ?? .nan),
                        LinePlot.Reference(name: "constant baseline (mean)", y: EvaluateStage.average(summary.conditions.map(\.constantBaselineMMDV)) ?? .nan)]
            + (referenceName.map { [LinePlot.Reference(name: "\($0) (mean)", y: summary.reference?.averageMMDV ?? .nan)] } ?? []))
        mmd.height = 300
        overview.append(mmd)
        page.heading(history == nil ? "MMD² over time (the model's history.npz was not found)" : "Training and MMD² over time")
        page.grid(overview)
        for k in summary.latent.indices {
            page.heading("\(axis(k)): mean ± standard deviation, SDE (solid) and true (dashed), with \(EvaluationReport.samplesShown) sample trajectories each (thin)"
                         + (referenceName.map { "; the mean of \($0) (dashed)" } ?? ""))
            page.grid(summary.conditions.indices.map { trajectories(k, condition: $0) })
        }
        let shown = Array(Set([(records - 1) / 3, 2 * (records - 1) / 3, records - 1])).sorted()
        for k in summary.latent.indices {
            page.heading("\(axis(k)): distribution at a few times, SDE (solid) and true (dashed)")
            page.grid(summary.conditions.indices.map { histograms(k, condition: $0, at: shown) })
        }
        return page.html
    }

    /// Condition `c`'s part of curve `name` (`width` values per time).
    func slice(_ name: String, _ c: Int, width: Int) -> [Double] {
        Array(curves[name]![(c * records * width)..<((c + 1) * records * width)])
    }

    /// Component `k` of a condition's curve `name`.
    func column(_ name: String, _ c: Int, _ k: Int) -> [Double] {
        let values = slice(name, c, width: summary.latent.count)
        return Swift.stride(from: k, to: values.count, by: summary.latent.count).map { values[$0] }
    }

    /// Component `k` of trajectory `j` of `values` ([trajectories, records, latent]).
    func path(_ values: [Double], _ j: Int, _ k: Int) -> [Double] {
        let n = summary.latent.count
        return (0..<records).map { values[(j * records + $0) * n + k] }
    }

    /// The trajectories of condition `c`.
    func members(_ c: Int) -> [Int] { condition.indices.filter { condition[$0] == Int64(c) } }

    /// Mean ± std of component `k` in condition `c`, model against truth, over a few sample paths.
    func trajectories(_ k: Int, condition c: Int) -> LinePlot {
        let x = slice("times", c, width: 1)
        let (mp, sp, mt, st) = (column("mean_predicted", c, k), column("std_predicted", c, k), column("mean_true", c, k), column("std_true", c, k))
        let samples = members(c).prefix(EvaluationReport.samplesShown).flatMap { j in
            [LinePlot.Series(name: "SDE sample", x: x, y: path(predicted, j, k), sample: true, colour: 0),
             LinePlot.Series(name: "true sample", x: x, y: path(truth, j, k), dashed: true, sample: true, colour: 1)]
        }
        var plot = LinePlot(title: EvaluateStage.name(summary.conditions[c]), xLabel: timeAxis, yLabel: axis(k), series: samples + [
            LinePlot.Series(name: "SDE mean ± std", x: x, y: mp, band: (zip(mp, sp).map { $0 - $1 }, zip(mp, sp).map { $0 + $1 }), colour: 0),
            LinePlot.Series(name: "true mean ± std", x: x, y: mt, band: (zip(mt, st).map { $0 - $1 }, zip(mt, st).map { $0 + $1 }), dashed: true, colour: 1),
        ] + (referenceName.map { [LinePlot.Series(name: "\($0) mean", x: x, y: column("mean_reference", c, k), dashed: true, colour: 2)] } ?? []))
        (plot.width, plot.height) = EvaluationReport.small
        return plot
    }

    /// Histograms of component `k` in condition `c` at the record indices `times`, model against truth.
    func histograms(_ k: Int, condition c: Int, at times: [Int]) -> LinePlot {
        let grid = slice("times", c, width: 1), members = members(c)
        let values = times.map { i in (members.map { predicted[($0 * records + i) * summary.latent.count + k] },
                                       members.map { truth[($0 * records + i) * summary.latent.count + k] }) }
        let edges = Histogram.edges(values.flatMap { [$0.0, $0.1] }, bins: max(8, min(30, members.count / 4)))
        var plot = LinePlot(title: EvaluateStage.name(summary.conditions[c]), xLabel: axis(k), yLabel: "probability density",
                            series: zip(times, values).enumerated().flatMap { index, entry in
                                let t = "t = \(SignificantDigits.text(grid[entry.0]))"
                                return [Histogram.series(name: "SDE, \(t)", values: entry.1.0, edges: edges, colour: 2 * index),
                                        Histogram.series(name: "true, \(t)", values: entry.1.1, edges: edges, dashed: true, colour: 2 * index)]
                            })
        (plot.width, plot.height) = EvaluationReport.small
        return plot
    }
}
