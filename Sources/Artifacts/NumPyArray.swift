import Foundation

/// An n-dimensional array as NumPy stores it: element type, shape and C-order little-endian bytes.
///
/// The bytes may be a slice of a memory-mapped file, so reading a large artifact does not copy it;
/// typed access (`elements(as:)`, `withUnsafeElements`) converts or borrows on demand.
public struct NumPyArray: Sendable, Equatable {
    /// The element type.
    public let dtype: DType
    /// The extent of each axis, slowest first (C order). Empty for a 0-d (scalar) array.
    public let shape: [Int]
    /// The elements in C order, little-endian, exactly `count × dtype.itemSize` bytes.
    public let bytes: Data

    /// The number of elements: the product of `shape` (1 for a 0-d array).
    public var count: Int { shape.reduce(1, *) }

    /// Wraps raw element bytes; throws if their length does not match `shape` and `dtype`.
    public init(dtype: DType, shape: [Int], bytes: Data) throws {
        let expected = try NumPyArray.byteCount(dtype: dtype, shape: shape)
        guard bytes.count == expected else {
            throw ArtifactError("<array>", "\(bytes.count) bytes given for shape \(NumPyArray.describe(shape)) of \(dtype.numpyName), which needs \(expected)")
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// Creates an array of `values` laid out in C order with the given shape.
    public init<T: NumPyElement>(_ values: [T], shape: [Int]) throws {
        let data = values.withUnsafeBytes { Data($0) }
        try self.init(dtype: T.dtype, shape: shape, bytes: data)
    }

    /// Creates a 1-d array of `values`.
    public init<T: NumPyElement>(_ values: [T]) {
        // A 1-d shape always matches its own element count.
        try! self.init(values, shape: [values.count])
    }

    /// The elements as Swift values of the array's own type; throws on a type mismatch, or when
    /// the copy would exceed the memory there is (`MemoryBudget`).
    public func elements<T: NumPyElement>(as type: T.Type) throws -> [T] {
        try MemoryBudget.check(bytes.count, for: "a copy of an array of shape \(NumPyArray.describe(shape)) of \(dtype.numpyName)")
        return try withUnsafeElements(as: type) { Array($0) }
    }

    /// Borrows the elements as a typed buffer without copying; throws on a type mismatch.
    public func withUnsafeElements<T: NumPyElement, R>(as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) throws -> R {
        guard T.dtype == dtype else {
            throw ArtifactError("<array>", "array holds \(dtype.numpyName), not \(T.dtype.numpyName)")
        }
        if T.self == Bool.self {
            // NumPy booleans are single bytes that are 0 or 1; normalise anything else before Swift sees it.
            let normalised = bytes.map { $0 == 0 ? UInt8(0) : UInt8(1) }
            return try normalised.withUnsafeBytes { try body($0.bindMemory(to: T.self)) }
        }
        return try bytes.withUnsafeBytes { raw in
            if count == 0 { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
            if Int(bitPattern: raw.baseAddress!) % MemoryLayout<T>.alignment == 0 {
                return try body(raw.bindMemory(to: T.self))
            }
            // A slice of a mapped archive member may be unaligned: copy into aligned storage.
            let copy = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
                initialized = count
            }
            return try copy.withUnsafeBufferPointer(body)
        }
    }

    /// Every element converted to Double, whatever the element type (booleans become 0 or 1).
    public func doubleValues() -> [Double] {
        /// The elements of type `T`, the array's own, as Doubles (borrowed, not copied first).
        func converted<T: NumPyElement>(_ type: T.Type, _ convert: (T) -> Double) -> [Double] {
            do {
                return try withUnsafeElements(as: type) { $0.map(convert) }
            } catch {
                preconditionFailure("an array of \(dtype.numpyName) borrowed as its own type: \(error)")
            }
        }
        switch dtype {
        case .float32: return converted(Float.self, Double.init)
        case .float64: return converted(Double.self) { $0 }
        case .int8: return converted(Int8.self, Double.init)
        case .uint8: return converted(UInt8.self, Double.init)
        case .bool: return bytes.map { $0 == 0 ? 0 : 1 }
        case .int32: return converted(Int32.self, Double.init)
        case .int64: return converted(Int64.self, Double.init)
        }
    }

    /// The byte length of an array of `shape` and `dtype`; throws on negative or overflowing extents,
    /// naming `source` (the file the shape was read from, or `<array>` for one built in memory).
    static func byteCount(dtype: DType, shape: [Int], source: String = "<array>") throws -> Int {
        var total = dtype.itemSize
        for extent in shape {
            guard extent >= 0 else { throw ArtifactError(source, "negative extent in shape \(describe(shape))") }
            let (product, overflow) = total.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw ArtifactError(source, "shape \(describe(shape)) of \(dtype.numpyName) is too large to address") }
            total = product
        }
        return total
    }

    /// A shape written as Python writes a tuple: `()`, `(3,)`, `(2, 3)`.
    public static func describe(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}
