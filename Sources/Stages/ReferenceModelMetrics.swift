import Foundation

/// A reference model judged beside `evaluate`'s model (`evaluate --reference-model`, typically
/// the naive one): rolled out from the same initial latents, at the same control values and on the
/// same time grid, with the same seed (so both draw the same noise), and scored against the same
/// truth on the same MMD scale and relaxation window — its numbers and the model's differ only by
/// the model.
public enum ReferenceModelMetrics {
    /// The reference's metrics in one test condition; nil metrics where fewer than two of its
    /// rollouts stayed finite and within its escape bounds.
    public struct Condition: Codable, Sendable, Equatable {
        public var temporalMMDV: Double?
        public var temporalMMDU: Double?
        public var relativeError: Double?
        public var transientError: Double?
        /// Rollouts that became non-finite or ran away beyond the reference's escape bounds, left out.
        public var runawayRollouts: Int

        public init(temporalMMDV: Double?, temporalMMDU: Double?, relativeError: Double?, transientError: Double?, runawayRollouts: Int) {
            self.temporalMMDV = temporalMMDV
            self.temporalMMDU = temporalMMDU
            self.relativeError = relativeError
            self.transientError = transientError
            self.runawayRollouts = runawayRollouts
        }
    }

    /// The reference model by name (its `ModelRecord`) and its means over the conditions that have each metric.
    public struct Summary: Codable, Sendable, Equatable {
        public var model: ModelRecord
        public var averageMMDV: Double?
        public var averageMMDU: Double?
        public var relativeError: Double?
        public var transientError: Double?

        /// The means of `conditions`' metrics, named by `model`.
        public init(model: ModelRecord, conditions: [Condition]) {
            self.model = model
            averageMMDV = EvaluateStage.average(conditions.map(\.temporalMMDV))
            averageMMDU = EvaluateStage.average(conditions.map(\.temporalMMDU))
            relativeError = EvaluateStage.average(conditions.map(\.relativeError))
            transientError = EvaluateStage.average(conditions.map(\.transientError))
        }
    }
}
