import Foundation
import Reports

/// The critical stage's table (`critical.csv`) and page (`report/index.html`).
enum CriticalReport {
    /// One row per (L, T): the observables with their errors.
    static func table(_ result: FiniteSizeScaling.Result) -> String {
        let header = "size,temperature,samples,blocks,abs_magnetization,abs_magnetization_error,susceptibility,susceptibility_error,binder,binder_error"
        let rows = result.points.sorted { ($0.size, $0.temperature) < ($1.size, $1.temperature) }.map { p in
            [String(p.size), "\(p.temperature)", String(p.samples), String(p.blocks),
             "\(p.absMagnetization.value)", "\(p.absMagnetization.error)", "\(p.susceptibility.value)", "\(p.susceptibility.error)",
             "\(p.binder.value)", "\(p.binder.error)"].joined(separator: ",")
        }
        return ([header] + rows).joined(separator: "\n") + "\n"
    }

    /// The exponents beside the exact ones, each size at T*, U against T, and the data collapse
    /// ⟨|M|⟩L^{β/ν}, χL^{−γ/ν} and U against (T − T*)L^{1/ν} with the fitted exponents (1/ν from the
    /// reweighted Binder slopes where the samples carry energies).
    static func page(_ result: FiniteSizeScaling.Result) -> String {
        var page = HTMLReport(title: "Finite-size scaling of the 2D Ising model")
        func estimate(_ e: FiniteSizeScaling.Estimate?) -> String {
            e.map { String(format: "%.5g ± %.2g", $0.value, $0.error) } ?? "–"
        }
        func number(_ value: Double?) -> String { value.map { String(format: "%.3g", $0) } ?? "–" }
        let tStar = result.scalingTemperature
        page.paragraph("Scaling temperature T* = \(String(format: "%.6g", tStar)) (exact T_c = \(String(format: "%.6g", FiniteSizeScaling.Exact.criticalTemperature))). "
                       + "Errors by blocking and the jackknife; exponents from weighted straight lines in ln L, the scaled error multiplied by max(1, √(χ²/dof)).")
        let exponents: [(String, FiniteSizeScaling.Exponent?)] = [("β/ν", result.betaOverNu), ("γ/ν", result.gammaOverNu), ("1/ν", result.inverseNu),
                                                                ("1/ν (reweighted)", result.inverseNuReweighted)]
        page.table(header: ["exponent", "fitted", "scaled error", "exact", "deviation", "R²", "χ²/dof", "sizes"],
                   rows: exponents.map { name, e in
                       guard let e else { return [name, "–", "–", "–", "–", "–", "–", "fewer than two sizes with the data"] }
                       return [name, estimate(.init(e.value, e.error)), number(e.scaledError), number(e.exact),
                               String(format: "%+.2f %%", 100 * (e.value / e.exact - 1)), String(format: "%.5f", e.rSquared),
                               number(e.chiSquaredPerDegreeOfFreedom), e.sizes.map(String.init).joined(separator: ", ")]
                   })
        page.heading("Each size at T*")
        page.table(header: ["L", "temperatures", "degree", "⟨|M|⟩", "χ", "U", "dU/dT", "dU/dT reweighted (from T)", "χ²/dof (ln⟨|M|⟩, ln χ, U)"],
                   rows: result.atScalingTemperature.map { row in
                       [String(row.size), row.temperatures.map { String(format: "%g", $0) }.joined(separator: ", "), String(row.degree),
                        estimate(row.absMagnetization), estimate(row.susceptibility), estimate(row.binder), estimate(row.binderSlope),
                        row.reweightedBinderSlope.map { estimate($0.slope) + String(format: " (%g)", $0.from) } ?? "–",
                        ["absMagnetization", "susceptibility", "binder"].map { number(row.chiSquaredPerDegreeOfFreedom[$0]) }.joined(separator: ", ")]
                   })
        if !result.binderCrossings.isEmpty {
            page.heading("Binder crossings")
            page.table(header: ["sizes", "temperature"], rows: result.binderCrossings.map {
                [$0.sizes.map(String.init).joined(separator: " × "), estimate($0.temperature)]
            })
        }
        let sizes = Set(result.points.map(\.size)).sorted()
        func rows(_ size: Int) -> [FiniteSizeScaling.Point] {
            result.points.filter { $0.size == size }.sorted { $0.temperature < $1.temperature }
        }
        func series(_ x: (FiniteSizeScaling.Point) -> Double, _ y: (FiniteSizeScaling.Point) -> FiniteSizeScaling.Estimate) -> [LinePlot.Series] {
            sizes.map { size in
                let points = rows(size), values = points.map(y)
                return LinePlot.Series(name: "L = \(size)", x: points.map(x), y: values.map(\.value),
                                       band: (values.map { $0.value - $0.error }, values.map { $0.value + $0.error }))
            }
        }
        page.heading("Binder cumulant")
        page.plot(LinePlot(title: "U against T (band: ± error)", xLabel: "T", yLabel: "U", series: series(\.temperature, \.binder)))
        // The reweighted slopes, where there are any, carry no curvature bias (Docs/CRITICAL.md).
        if let inverseNu = (result.inverseNuReweighted ?? result.inverseNu)?.value {
            let (beta, gamma) = (result.betaOverNu.value, result.gammaOverNu.value)
            func scaled(_ p: FiniteSizeScaling.Point) -> Double { (p.temperature - tStar) * pow(Double(p.size), inverseNu) }
            func times(_ e: FiniteSizeScaling.Estimate, _ factor: Double) -> FiniteSizeScaling.Estimate { .init(e.value * factor, e.error * factor) }
            page.heading(String(format: "Data collapse with the fitted exponents (β/ν = %.4f, γ/ν = %.4f, 1/ν = %.4f)", beta, gamma, inverseNu))
            page.plot(LinePlot(title: "⟨|M|⟩ L^{β/ν}", xLabel: "(T − T*) L^{1/ν}", yLabel: "⟨|M|⟩ L^{β/ν}",
                               series: series(scaled) { times($0.absMagnetization, pow(Double($0.size), beta)) }))
            page.plot(LinePlot(title: "χ L^{−γ/ν}", xLabel: "(T − T*) L^{1/ν}", yLabel: "χ L^{−γ/ν}",
                               series: series(scaled) { times($0.susceptibility, pow(Double($0.size), -gamma)) }))
            page.plot(LinePlot(title: "U", xLabel: "(T − T*) L^{1/ν}", yLabel: "U", series: series(scaled, \.binder)))
        }
        return page.html
    }
}
