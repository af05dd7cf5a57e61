import Foundation
import Systems

/// A trained SDE, the large-system test stages it is judged on, and the closure model its latents
/// go through: the inputs of `evaluate` and `check-dynamics`. A model conditioned on control
/// parameters is run on each test stage at the values its system configuration records.
/// `evaluate` may judge a reference model beside it (typically the naive one) on the same tests.
public struct ModelTestInputs {
    public let model: ModelSource
    /// A second model rolled out on the same conditions as a reference line (`evaluate --reference-model`); nil for none.
    public let reference: ModelSource?
    public let tests: [TrajectorySource]
    public let closure: ClosureSource?
    /// The values of the model's control parameters for each test stage, in the model's order
    /// (empty rows for a model without controls).
    public let controls: [[Double]]

    /// Opens the train-sde stage `model`, the simulate stages `tests`, the train-closure stage
    /// `closure` and the train-sde stage `reference`; throws if a test stage's system does not
    /// record one of the model's control parameters.
    public init(model: URL, tests: [URL], closure: URL?, reference: URL? = nil) throws {
        self.model = try ModelSource(directory: model)
        self.reference = try reference.map(ModelSource.init(directory:))
        self.tests = try tests.map(TrajectorySource.init(directory:))
        self.closure = try closure.map(ClosureSource.init(directory:))
        controls = try self.tests.map { [names = self.model.controlNames] test in try test.stage.controlValues(names) }
    }

    /// The control values of test stage `index` by name, or nil for a model without controls.
    func namedControls(ofTest index: Int) -> [String: Double]? {
        let names = model.controlNames
        return names.isEmpty ? nil : Dictionary(uniqueKeysWithValues: zip(names, controls[index]))
    }

    /// The system of the test stages (the first one's; `validate()` checks the others agree).
    var system: any MicroscopicSystem { get throws {
        guard let first = tests.first else { throw SettingsError("give at least one test simulate stage") }
        return first.system
    } }

    /// Throws unless the inputs belong together: at least one test stage, all of one system kind
    /// and rank; the closure model of that system; and, where the model (and the reference model)
    /// records its lineage, the model's system and the very closure model (by digest) its training
    /// pairs were encoded with; a reference model with the model's latent dimension, control parameters and clock.
    public func validate() throws {
        let system = try self.system, identifier = type(of: system).identifier
        for test in tests where type(of: test.system).identifier != identifier || test.system.spatialShape.count != system.spatialShape.count {
            throw LineageError(test.stage.directory.path, "is a simulation of \(type(of: test.system).identifier) on \(test.system.spatialShape); "
                               + "the first test stage simulates \(identifier) on \(system.spatialShape)")
        }
        try closure?.check(describes: system)
        try check(model, describes: identifier)
        guard let reference else { return }
        try check(reference, describes: identifier)
        guard reference.checkpoint.model.dimension == model.checkpoint.model.dimension, reference.controlNames == model.controlNames else {
            throw LineageError(reference.directory.path, "the reference model has \(reference.checkpoint.model.dimension) latent components and controls "
                               + "(\(reference.controlNames.joined(separator: ", "))); the model \(model.checkpoint.model.dimension) and "
                               + "(\(model.controlNames.joined(separator: ", ")))")
        }
        let clocks = (model: model.lineage?.clock ?? .physical, reference: reference.lineage?.clock ?? .physical)
        guard clocks.model == clocks.reference else {
            throw LineageError(reference.directory.path, "the reference model runs on the clock \(clocks.reference.rawValue), the model on \(clocks.model.rawValue): "
                               + "rolled out on one time grid, one of them would be judged at the wrong times")
        }
    }

    /// Throws unless `model`'s recorded lineage (if any) is of the system `identifier` and went
    /// through the given closure model.
    private func check(_ model: ModelSource, describes identifier: String) throws {
        guard let lineage = model.lineage else { return }
        guard lineage.system == identifier else {
            throw LineageError(model.directory.path, "models \(lineage.system); the test stages simulate \(identifier)")
        }
        guard lineage.closure == closure?.input.sha256 else {
            let trained = lineage.closure.map { "the closure model \($0.prefix(12))…" } ?? "no closure model"
            let given = closure.map { "\($0.stage.directory.path) (\($0.input.sha256.prefix(12))…)" } ?? "none"
            throw LineageError(model.directory.path, "was trained on latents encoded with \(trained); --closure given: \(given)")
        }
    }
}
