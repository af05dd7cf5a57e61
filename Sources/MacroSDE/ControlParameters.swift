import Foundation
import Learning

/// The control parameters c of a conditioned SDE dz = b(z, c) dt + σ(z, c) dW — physical
/// parameters of the system such as the temperature — with the normalisation ĉ = (c − mean) / scale
/// the model applies before its embedding.
///
/// The mean and scale are the mean and standard deviation of each control over the training
/// pairs; a control with no spread (one value throughout) gets scale 1, so it enters as ĉ = 0 there.
public struct ControlParameters: Equatable, Sendable {
    /// The controls' names, as the system configuration records them (`temperature`).
    public var names: [String]
    /// Mean of each control over the training pairs.
    public var mean: [Double]
    /// Standard deviation of each control over the training pairs (1 where it is 0).
    public var scale: [Double]

    public init(names: [String], mean: [Double], scale: [Double]) {
        precondition(names.count == mean.count && names.count == scale.count, "one mean and scale per control")
        self.names = names
        self.mean = mean
        self.scale = scale
    }

    /// The normalisation fitted to `values`, one row of `names.count` numbers per pair (flattened).
    public init(names: [String], fittedTo values: [Double]) {
        let c = names.count
        precondition(c > 0 && values.count % c == 0 && !values.isEmpty, "controls: one row of \(c) values per pair")
        let rows = Double(values.count / c)
        let mean = (0..<c).map { k in Swift.stride(from: k, to: values.count, by: c).reduce(0.0) { $0 + values[$1] } / rows }
        let scale = (0..<c).map { k -> Double in
            let variance = Swift.stride(from: k, to: values.count, by: c).reduce(0.0) { $0 + pow(values[$1] - mean[k], 2) } / rows
            return variance > 0 ? variance.squareRoot() : 1
        }
        self.init(names: names, mean: mean, scale: scale)
    }

    /// The number of controls.
    public var count: Int { names.count }

    /// ĉ = (c − mean) / scale of rows of physical `values` (flattened, `count` per row), as a [rows, count] tensor.
    func normalised(_ values: [Double]) -> Tensor {
        let c = count
        return Tensor(shape: [values.count / c, c], data: values.indices.map { Float((values[$0] - mean[$0 % c]) / scale[$0 % c]) })
    }
}
