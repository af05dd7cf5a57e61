import ArgumentParser
import Foundation
import Stages

/// `macroscale critical`: finite-size scaling of the zero-field 2D Ising model.
struct Critical: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Finite-size scaling of the zero-field 2D Ising model: β/ν, γ/ν, 1/ν and the Binder crossings.",
        discussion: """
            Each input holds the magnetization samples of one (L, T): an equilibrium or Ising simulate \
            stage (--input DIR, L and T from its manifest) or a rollout of a learned SDE whose first latent \
            component is m (--rollout DIR:L,T); inputs at the same (L, T) are pooled (the rollouts of \
            several SDE seeds). Computes ⟨|M|⟩, χ = (L²/T)(⟨M²⟩ − ⟨|M|⟩²) and \
            U = 1 − ⟨M⁴⟩/(3⟨M²⟩²) with errors by blocking and the jackknife; fits each size's values over \
            T with polynomials in T − T* to read them and dU/dT at T*, then β/ν, γ/ν and 1/ν as weighted \
            straight lines in ln L. Writes critical.json, critical.csv and report/index.html (Docs/CRITICAL.md).
            """)

    @Option(help: "An equilibrium or Ising simulate stage (repeatable).")
    var input: [String] = []
    @Option(help: "A rollout stage with its size and temperature, DIR:L,T (repeatable).")
    var rollout: [String] = []
    @Option(help: "Scaling temperature T* (default: exact T_c = 2/ln(1 + √2)).")
    var scalingTemperature = FiniteSizeScaling.Exact.criticalTemperature
    @Option(help: "Degree of the polynomials in T − T* through each size's points (1 to 3).")
    var degree = 2
    @Option(help: "Blocks per (L, T) for the errors; each should be much longer than the autocorrelation time.")
    var blocks = 40
    @Option(help: "Records left out at the start of every run.")
    var discard = 0
    @OptionGroup var stage: StageOptions

    var settings: CriticalStage.Settings {
        var settings = CriticalStage.Settings()
        settings.scalingTemperature = scalingTemperature
        settings.degree = degree
        settings.blocks = blocks
        settings.discard = discard
        return settings
    }

    func validate() throws {
        try settings.validateOption()
        guard input.count + rollout.count >= 2 else { throw ValidationError("give at least two inputs (--input or --rollout)") }
        _ = try rollout.map(Critical.rolloutSpecification)
    }

    /// DIR:L,T split at its last colon.
    static func rolloutSpecification(_ text: String) throws -> (directory: String, size: Int, temperature: Double) {
        guard let colon = text.lastIndex(of: ":") else { throw ValidationError("--rollout must be DIR:L,T; got '\(text)'") }
        let parts = text[text.index(after: colon)...].split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let size = Int(parts[0]), let temperature = Double(parts[1]), text[..<colon].count > 0 else {
            throw ValidationError("--rollout must be DIR:L,T with an integer L and a number T; got '\(text)'")
        }
        return (String(text[..<colon]), size, temperature)
    }

    func run() throws {
        stage.apply()
        let samples = try input.map { try MagnetizationSamples(stage: URL(fileURLWithPath: $0)) }
            + rollout.map(Critical.rolloutSpecification).map {
                try MagnetizationSamples(rollout: URL(fileURLWithPath: $0.directory), size: $0.size, temperature: $0.temperature)
            }
        let result = try CriticalStage.run(settings, inputs: samples, seed: stage.seed, directory: stage.directory)
        func line(_ name: String, _ exponent: FiniteSizeScaling.Exponent?) -> String {
            guard let exponent else { return "\(name) –" }
            return "\(name) " + String(format: "%.4f ± %.4f (exact %g, R² %.4f)", exponent.value, exponent.scaledError, exponent.exact, exponent.rSquared)
        }
        print("critical: \(samples.count) samples at T* = \(String(format: "%.5f", result.scalingTemperature)) → \(stage.out)")
        print([line("β/ν", result.betaOverNu), line("γ/ν", result.gammaOverNu), line("1/ν", result.inverseNu), line("1/ν reweighted", result.inverseNuReweighted)].joined(separator: "; "))
    }
}
