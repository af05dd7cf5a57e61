/// Lowers an optimizer's learning rate when a monitored loss stops improving (PyTorch's
/// `ReduceLROnPlateau`, mode "min", relative threshold): after more than `patience` epochs
/// without a loss below best·(1 − threshold), lr ← max(lr·factor, minimum).
public struct ReduceLROnPlateau {
    public let factor: Double
    public let patience: Int
    public let threshold: Double
    public let minimumLearningRate: Double
    public private(set) var best = Double.infinity
    public private(set) var badEpochs = 0

    public init(factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4, minimumLearningRate: Double = 0) {
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.minimumLearningRate = minimumLearningRate
    }

    /// Records an epoch's loss and returns the learning rate to use next.
    public mutating func step(loss: Double, learningRate: Double) -> Double {
        if loss < best * (1 - threshold) {
            best = loss
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        guard badEpochs > patience else { return learningRate }
        badEpochs = 0
        let reduced = max(learningRate * factor, minimumLearningRate)
        // PyTorch skips reductions smaller than 1e-8.
        return learningRate - reduced > 1e-8 ? reduced : learningRate
    }
}
