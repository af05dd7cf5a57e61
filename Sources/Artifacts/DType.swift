import Foundation

#if _endian(big)
#error("Macroscale stores arrays little-endian and assumes a little-endian host.")
#endif

/// The NumPy element types Macroscale reads and writes, named by their NumPy `descr` strings.
public enum DType: String, CaseIterable, Codable, Sendable {
    case float32 = "<f4"
    case float64 = "<f8"
    case int8 = "|i1"
    case uint8 = "|u1"
    case bool = "|b1"
    case int32 = "<i4"
    case int64 = "<i8"

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .int8, .uint8, .bool: return 1
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        }
    }

    /// The NumPy type name (`float32`, `int8`, …), as `numpy.dtype.name` prints it.
    public var numpyName: String {
        switch self {
        case .float32: return "float32"
        case .float64: return "float64"
        case .int8: return "int8"
        case .uint8: return "uint8"
        case .bool: return "bool"
        case .int32: return "int32"
        case .int64: return "int64"
        }
    }

    /// Parses a NumPy `descr`, accepting the equivalent spellings NumPy itself may write
    /// (`<i1` for `|i1`, `=f8` on a little-endian host); returns nil for anything unsupported.
    public init?(descr: String) {
        if let exact = DType(rawValue: descr) {
            self = exact
            return
        }
        guard descr.count == 3, let order = descr.first, "<|=".contains(order) else { return nil }
        let code = descr.dropFirst()
        guard let match = DType.allCases.first(where: { $0.rawValue.dropFirst() == code }) else { return nil }
        self = match
    }
}

/// A Swift scalar type that is stored in an array of one `DType`.
public protocol NumPyElement: Sendable {
    /// The on-disk element type of this Swift type.
    static var dtype: DType { get }
}

extension Float: NumPyElement { public static var dtype: DType { .float32 } }
extension Double: NumPyElement { public static var dtype: DType { .float64 } }
extension Int8: NumPyElement { public static var dtype: DType { .int8 } }
extension UInt8: NumPyElement { public static var dtype: DType { .uint8 } }
extension Bool: NumPyElement { public static var dtype: DType { .bool } }
extension Int32: NumPyElement { public static var dtype: DType { .int32 } }
extension Int64: NumPyElement { public static var dtype: DType { .int64 } }
