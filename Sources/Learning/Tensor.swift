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

    /// A tensor whose every element `body` writes (no zero-filling first: `body` must write them all).
    @inlinable
    public init(shape: [Int], writingEvery body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        self.shape = shape
        data = [Float](unsafeUninitializedCapacity: shape.reduce(1, *)) { buffer, initialized in
            body(buffer)
            initialized = buffer.count
        }
    }

    /// A tensor of `input`'s shape with `transform` applied to every element.
    @inlinable
    public init(mapping input: Tensor, _ transform: (Float) -> Float) {
        self.init(shape: input.shape) { out in
            input.data.withUnsafeBufferPointer { x in
                for k in 0..<x.count { out[k] = transform(x[k]) }
            }
        }
    }

    /// A tensor of `a`'s shape with `combine` applied to corresponding elements of `a` and `b`.
    @inlinable
    public init(combining a: Tensor, _ b: Tensor, _ combine: (Float, Float) -> Float) {
        precondition(a.count == b.count, "element-wise: \(a.shape) and \(b.shape) differ in size")
        self.init(shape: a.shape) { out in
            a.data.withUnsafeBufferPointer { x in
                b.data.withUnsafeBufferPointer { y in
                    for k in 0..<x.count { out[k] = combine(x[k], y[k]) }
                }
            }
        }
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

extension Tensor {
    /// [B, a] and [B, b] side by side → [B, a + b].
    public static func concatenatingColumns(_ left: Tensor, _ right: Tensor) -> Tensor {
        precondition(left.batch == right.batch, "concatenating \(left.shape) and \(right.shape)")
        let a = left.itemCount, b = right.itemCount
        var out = Tensor(zeros: [left.batch, a + b])
        for row in 0..<left.batch {
            for k in 0..<a { out.data[row * (a + b) + k] = left.data[row * a + k] }
            for k in 0..<b { out.data[row * (a + b) + a + k] = right.data[row * b + k] }
        }
        return out
    }

    /// The columns from `start` on of a [B, d] tensor.
    public func columns(from start: Int) -> Tensor {
        let d = itemCount, width = d - start
        var out = Tensor(zeros: [batch, width])
        for row in 0..<batch {
            for k in 0..<width { out.data[row * width + k] = data[row * d + start + k] }
        }
        return out
    }
}
