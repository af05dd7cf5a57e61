import Foundation
import Learning
import Random

/// Training pairs (z_t, z_next, δt, the variance factor of each estimate, for a conditioned model
/// the physical values of its control parameters, and for generator pairs the increment's known
/// conditional covariance) held in memory.
public struct PairSet {
    public var start: Tensor
    public var next: Tensor
    public var dt: [Double]
    /// How much larger each pair's increment variance is than a single increment's over δt
    /// (1, or 5 for the two-time Richardson estimate).
    public var varianceFactor: [Double]
    /// The control values of each pair, `controlCount` per pair (flattened); empty without controls.
    public var controls: [Double]
    /// The conditional covariance of each pair's increment, n_z × n_z per pair, where `next` is
    /// the conditional mean (`PairBatch.conditionalCovariance`); empty for drawn increments.
    public var conditionalCovariance: [Double]

    public init(start: Tensor, next: Tensor, dt: [Double], varianceFactor: [Double]? = nil, controls: [Double] = [],
                conditionalCovariance: [Double] = []) {
        precondition(start.shape == next.shape && start.batch == dt.count, "pair set shapes disagree")
        precondition(varianceFactor == nil || varianceFactor!.count == dt.count, "one variance factor per pair")
        precondition(controls.count % max(dt.count, 1) == 0, "one row of control values per pair")
        precondition(conditionalCovariance.isEmpty || conditionalCovariance.count == start.batch * start.itemCount * start.itemCount,
                     "one n_z × n_z conditional covariance per pair")
        self.start = start
        self.next = next
        self.dt = dt
        self.varianceFactor = varianceFactor ?? [Double](repeating: 1, count: dt.count)
        self.controls = controls
        self.conditionalCovariance = conditionalCovariance
    }

    public var count: Int { dt.count }

    /// The number of control parameters per pair (0 without controls).
    public var controlCount: Int { count == 0 ? 0 : controls.count / count }

    /// The pairs at `indices`.
    public func batch(_ indices: [Int]) -> PairBatch {
        let c = controlCount, square = start.itemCount * start.itemCount
        return PairBatch(start: start.gathering(indices), next: next.gathering(indices), dt: indices.map { dt[$0] },
                         varianceFactor: indices.map { varianceFactor[$0] }, controls: indices.flatMap { controls[($0 * c)..<(($0 + 1) * c)] },
                         conditionalCovariance: conditionalCovariance.isEmpty ? []
                            : indices.flatMap { conditionalCovariance[($0 * square)..<(($0 + 1) * square)] })
    }

    /// Every pair, as one batch.
    public var all: PairBatch {
        PairBatch(start: start, next: next, dt: dt, varianceFactor: varianceFactor, controls: controls, conditionalCovariance: conditionalCovariance)
    }

    /// The variance of each latent component's increment z_next − z_t over the pairs (population
    /// variance, in Double), plus the mean of its conditional variance where the pairs carry one
    /// (the law of total variance): the scale of the likelihood's covariance A.
    public var incrementVariances: [Double] {
        let n = start.itemCount
        return (0..<n).map { i in
            let increments = (0..<count).map { Double(next.data[$0 * n + i]) - Double(start.data[$0 * n + i]) }
            let mean = increments.reduce(0, +) / Double(count)
            let conditional = conditionalCovariance.isEmpty ? 0
                : (0..<count).reduce(0) { $0 + conditionalCovariance[$1 * n * n + i * n + i] } / Double(count)
            return increments.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count) + conditional
        }
    }

    /// These pairs followed by `other`'s (the same latent dimension, number of controls and kind:
    /// both with conditional covariances or both without).
    public func followed(by other: PairSet) -> PairSet {
        precondition(start.itemCount == other.start.itemCount && controlCount == other.controlCount
                     && conditionalCovariance.isEmpty == other.conditionalCovariance.isEmpty, "pair sets of different shapes or kinds")
        let n = start.itemCount
        return PairSet(start: Tensor(shape: [count + other.count, n], data: start.data + other.start.data),
                       next: Tensor(shape: [count + other.count, n], data: next.data + other.next.data),
                       dt: dt + other.dt, varianceFactor: varianceFactor + other.varianceFactor, controls: controls + other.controls,
                       conditionalCovariance: conditionalCovariance + other.conditionalCovariance)
    }
}

/// Fitting an `SDEModel` by the λ-scaled likelihood (Docs/METHOD.md §3 reference settings as defaults):
/// AdamW with AMSGrad and no weight decay, ReduceLROnPlateau on the training loss (factor 0.5,
/// patience 5, min lr 5·10⁻⁶), batch 1024, 100 epochs; validation with λ = 1 on true pairs.
public struct SDETraining {
    public var epochs = 100
    public var batchSize = 1024
    public var learningRate = 1e-3
    public var likelihood = GaussianLikelihood(lambda: 1)
    public var plateau = ReduceLROnPlateau(factor: 0.5, patience: 5, minimumLearningRate: 5e-6)
    public var seed: UInt64 = 1
    /// The final parameters are the mean of the parameters at the end of each of the last this many
    /// epochs (tail, or Polyak–Ruppert, averaging: it cancels the optimizer's own noise around the
    /// optimum); 0 or 1 keeps the last iterate, as the reference does.
    public var averagedEpochs = 0
    /// ε of the training likelihood starts this many times larger and comes down geometrically
    /// to `likelihood.epsilon` over the first half of the epochs (1: fixed, as the reference).
    /// A floor far below the increments' variance leaves A ill-conditioned while the networks are
    /// far from the data, and some starts then never found the optimum; the large floor brings
    /// them near it first (Docs/SDE.md, *The regularisation ε*). Validation always uses the final ε.
    public var epsilonAnnealing = 1.0
    /// The processes this training is shared among, each taking its part of every batch (nil: one
    /// process, as before). The same seed gives the same batches everywhere, and the summed
    /// gradients the same steps; the result differs from one process's only by the rounding of
    /// the sums (Docs/DISTRIBUTED.md).
    public var group: DataParallelGroup?

    public init() {}

    /// The training likelihood's ε in `epoch` (1-based).
    func epsilon(inEpoch epoch: Int) -> Double {
        let span = max(epochs / 2, 1)
        let progress = min(Double(epoch - 1) / Double(span), 1)
        return likelihood.epsilon * pow(epsilonAnnealing, 1 - progress)
    }

    /// One epoch's numbers.
    public struct Epoch: Codable, Sendable {
        public var epoch: Int
        public var trainingLoss: Double
        public var validationLoss: Double?
        public var learningRate: Double
    }

    /// A loss that became NaN or infinite, with where and on what.
    public struct Divergence: Error, CustomStringConvertible {
        public let description: String
    }

    /// Trains `model` on `pairs`, evaluating `validation` (λ = 1) after every epoch; `onEpoch` sees
    /// each epoch as it ends (for progress, checkpoints, early stopping by throwing). With
    /// `averagedEpochs` > 1 the model is left with the averaged parameters (the history's losses
    /// are those of the iterates).
    @discardableResult
    public func train(_ model: SDEModel, on pairs: PairSet, validation: PairSet? = nil,
                      onEpoch: (Epoch) throws -> Void = { _ in }) throws -> [Epoch] {
        let optimizer = Adam(model.parameters, learningRate: learningRate, weightDecay: .decoupled(0), amsgrad: true)
        var scheduler = plateau
        var history: [Epoch] = []
        let validationLikelihood = GaussianLikelihood(lambda: 1, epsilon: likelihood.epsilon)
        var tail = TailAverage(model.parameters, from: epochs - averagedEpochs + 1)
        for epoch in stride(from: 1, through: epochs, by: 1) {
            let batches = miniBatches(count: pairs.count, batchSize: batchSize,
                                      random: RandomStream(seed: seed, stage: "train-sde", index: UInt64(epoch)))
            var sum = 0.0
            var likelihood = likelihood
            likelihood.epsilon = epsilon(inEpoch: epoch)
            for (index, indices) in batches.enumerated() {
                // With a group, this process's part of the batch; its gradients are summed with the others' below.
                let part = group.map { Array(indices[$0.share(of: indices.count)]) } ?? indices
                let batch = pairs.batch(part)
                optimizer.zeroGradients()
                var loss = 0.0
                let compute = {
                    do {
                        if !part.isEmpty { loss = try likelihood.loss(model, batch, backward: true) * Double(part.count) }
                    } catch {
                        throw Divergence(description: "epoch \(epoch), batch \(index + 1) of \(batches.count): \(error); "
                                         + SDETraining.describe(batch))
                    }
                }
                if let group {
                    try group.agreeing(compute)
                    loss = SDETraining.sumOverGroup(group, gradientsOf: model.parameters, loss: loss, weight: Double(part.count) / Double(indices.count))
                } else {
                    try compute()
                }
                sum += loss
                optimizer.step()
            }
            let trainingLoss = sum / Double(pairs.count)
            let validationLoss = try validation.map { try validationLikelihood.loss(model, $0.all, backward: false) }
            let report = Epoch(epoch: epoch, trainingLoss: trainingLoss, validationLoss: validationLoss, learningRate: optimizer.learningRate)
            history.append(report)
            optimizer.learningRate = scheduler.step(loss: trainingLoss, learningRate: optimizer.learningRate)
            tail.add(epoch: epoch)
            try onEpoch(report)
        }
        if averagedEpochs > 1 { tail.assign() }
        return history
    }

    /// Sums the parameters' gradients over `group`, each process's (the gradient of the mean over
    /// its part) weighted by its share `weight` of the batch, so that every process holds the
    /// gradient of the mean over the whole batch; returns the sum of the processes' `loss`.
    static func sumOverGroup(_ group: DataParallelGroup, gradientsOf parameters: [Parameter], loss: Double, weight: Double) -> Double {
        let local = parameters.flatMap { $0.gradient.data.map { Double($0) * weight } } + [loss]
        let total = group.sum(local)
        var offset = 0
        for parameter in parameters {
            let count = parameter.gradient.data.count
            parameter.gradient.data = total[offset..<(offset + count)].map { Float($0) }
            offset += count
        }
        return total[offset]
    }

    /// Ranges of the batch's inputs, to say what a diverging batch looked like.
    static func describe(_ batch: PairBatch) -> String {
        func range(_ values: [Float]) -> String {
            let finite = values.filter(\.isFinite)
            return "[\(finite.min().map { String($0) } ?? "–"), \(finite.max().map { String($0) } ?? "–")], \(values.count - finite.count) non-finite"
        }
        let dt = batch.dt
        return "batch of \(dt.count) pairs: z in \(range(batch.start.data)), next in \(range(batch.next.data)), δt in [\(dt.min() ?? 0), \(dt.max() ?? 0)]"
    }
}

/// Running sums, in Double, of parameters over the epochs from `first` on, to replace them by their mean.
struct TailAverage {
    let parameters: [Parameter]
    let first: Int
    private var sums: [[Double]]
    private var count = 0

    init(_ parameters: [Parameter], from first: Int) {
        self.parameters = parameters
        self.first = first
        sums = parameters.map { [Double](repeating: 0, count: $0.value.data.count) }
    }

    /// Adds the current parameters if `epoch` is in the tail.
    mutating func add(epoch: Int) {
        guard epoch >= first else { return }
        for (p, parameter) in parameters.enumerated() {
            for (i, value) in parameter.value.data.enumerated() { sums[p][i] += Double(value) }
        }
        count += 1
    }

    /// Sets every parameter to its mean over the epochs added.
    func assign() {
        guard count > 0 else { return }
        for (p, parameter) in parameters.enumerated() {
            for i in parameter.value.data.indices { parameter.value.data[i] = Float(sums[p][i] / Double(count)) }
        }
    }
}
