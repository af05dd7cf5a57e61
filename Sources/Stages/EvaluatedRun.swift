import Artifacts
import Foundation

/// One run `compare` reads: its evaluate `metrics.json` and what the manifests say about it — the
/// model judged (`ModelDescription`: λ, K, n_s, seed, settings) and the test stages' settings —
/// so that a comparison can be plotted against a parameter by name.
public struct EvaluatedRun {
    /// A parameter `compare` was asked to plot against that one run does not record.
    public struct MissingParameter: Error, CustomStringConvertible {
        public let description: String
    }

    /// The run's row label (`--labels`, or its directory name).
    public var label: String
    /// Its `metrics.json`.
    public var summary: EvaluateStage.Summary
    /// The `metrics.json` file read.
    public var file: URL
    /// The model, from the train-sde stage the evaluate manifest names as its first input; nil
    /// (with `unreadable` saying why) where that manifest or stage is gone.
    public var model: ModelDescription?
    /// Why the manifests could not be read; nil when they could.
    public var unreadable: String?
    /// The `config` of every simulate stage the evaluate manifest names (the test stages).
    public var tests: [JSONValue] = []

    /// The run whose `metrics.json` is `file`, labelled `label`.
    init(file: URL, label: String) throws {
        self.file = file
        self.label = label
        do {
            summary = try JSONDecoder().decode(EvaluateStage.Summary.self, from: try Data(contentsOf: file))
        } catch {
            throw ArtifactError(file.path, "not readable as evaluation metrics: \(error)")
        }
        let directory = file.deletingLastPathComponent()
        do {
            let manifest = try StageManifest.read(from: directory)
            let stages = manifest.inputs.map { RelativePath.resolve($0.path, in: directory).deletingLastPathComponent() }
            guard let first = stages.first else { throw ArtifactError(directory.path, "the evaluate manifest names no model") }
            model = try ModelDescription(model: first)
            // The simulate stages only: the closure model and a reference model are inputs too.
            tests = stages.dropFirst().compactMap { try? StageManifest.read(from: $0) }.filter { $0.stage == "simulate" }.map(\.config)
        } catch {
            unreadable = "\(error)"
        }
    }

    /// Whether the run is a reference rather than a point of a sweep: a model trained on naive
    /// pairs, or with K = 1 (the small system is the large one).
    public var isReference: Bool { model.map { $0.naive || $0.record.patches == 1 } ?? false }

    /// The value of `parameter` for this run: a model parameter (`lambda`, `K`, `n_s`, `seed`), a
    /// value every condition shares (an initial or control parameter, `T`), a number in the
    /// train-sde manifest's settings, or one all test stages' settings share; throws naming the run
    /// where none is found.
    public func value(of parameter: String) throws -> Double {
        let shared = { (values: [Double?]) -> Double? in
            let present = values.compactMap { $0 }
            return present.count == values.count && Set(present).count == 1 ? present[0] : nil
        }
        if let value = model?.value(of: parameter)
            ?? ((parameter == "lambda" || parameter == "λ") ? summary.model?.lambda : nil)
            ?? shared(summary.conditions.map { $0.controls?[parameter] ?? $0.parameters?[parameter] })
            ?? (tests.isEmpty ? nil : shared(tests.map { ModelDescription.number(parameter, in: $0) })) {
            return value
        }
        throw MissingParameter(description: "run '\(label)' (\(file.path)): no parameter '\(parameter)' in its model, conditions or test stages"
                               + (unreadable.map { " (its manifests could not be read: \($0))" } ?? "")
                               + "; name one with --parameter (lambda, K, n_s, seed, a setting of train-sde or of the test stages)")
    }
}
