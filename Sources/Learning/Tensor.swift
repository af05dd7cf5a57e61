/// A Float32 array with a shape: contiguous, row-major (C order), batch first; images are NCHW.
public struct Tensor: Equatable, Sendable {
    /// Extent of each axis, slowest first.
    public var shape: [Int]
    /// The elements in C order.
    public var data: [Float]

    /// Number of elements.
    public var count: Int { data.count }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.shape = shape
        data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// A tensor holding `data` in C order.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "Tensor: \(data.count) values for shape \(shape)")
        self.shape = shape
        self.data = data
    }

    /// The same elements with another shape of equal size.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data)
    }

    /// Extent of the batch (first) axis.
    public var batch: Int { shape[0] }

    /// Elements per batch item.
    public var itemCount: Int { shape.dropFirst().reduce(1, *) }
}
