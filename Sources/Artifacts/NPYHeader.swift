import Foundation

/// The `.npy` preamble: magic, format version and the Python-literal header dictionary.
///
/// Encoding follows NumPy's own writer byte for byte: keys in sorted order, spare spaces after the
/// dictionary so the first axis can grow in place, and padding so the data starts on a 64-byte boundary.
struct NPYHeader: Equatable {
    var dtype: DType
    var shape: [Int]
    var fortranOrder = false

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] // "\x93NUMPY"
    private static let alignment = 64
    private static let growthAxisMaxDigits = 21

    /// The preamble bytes; `version` nil picks 1.0, or 2.0 when the header exceeds 1.0's 65535-byte limit.
    func encoded(version: NPYVersion? = nil) -> Data {
        var text = "{'descr': '\(dtype.rawValue)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(NumPyArray.describe(shape)), }"
        if let growthAxis = fortranOrder ? shape.last : shape.first {
            text += String(repeating: " ", count: max(0, NPYHeader.growthAxisMaxDigits - String(growthAxis).count))
        }
        let chosen = version ?? (NPYHeader.paddedLength(text.utf8.count, lengthFieldSize: 2) > 0xFFFF ? .v2 : .v1)
        let padded = NPYHeader.paddedLength(text.utf8.count, lengthFieldSize: chosen.lengthFieldSize)
        var out = Data(NPYHeader.magic)
        out.append(contentsOf: [chosen.major, 0])
        var length = UInt32(padded)
        out.append(Data(bytes: &length, count: chosen.lengthFieldSize))
        out.append(contentsOf: Array(text.utf8))
        out.append(contentsOf: [UInt8](repeating: 0x20, count: padded - text.utf8.count - 1))
        out.append(0x0A)
        return out
    }

    /// Header length after padding (including the final newline) so that the data is 64-byte aligned.
    private static func paddedLength(_ textLength: Int, lengthFieldSize: Int) -> Int {
        let unpadded = textLength + 1
        let prefix = magic.count + 2 + lengthFieldSize
        return unpadded + alignment - (prefix + unpadded) % alignment
    }

    /// Parses the preamble at the start of `data`; returns the header and the offset where the elements start.
    static func decode(_ data: Data, source: String) throws -> (header: NPYHeader, dataOffset: Int) {
        let bytes = data.prefix(12)
        guard bytes.count >= 10 else {
            throw ArtifactError(source, "truncated: \(data.count) bytes is shorter than the 10-byte .npy preamble")
        }
        guard Array(bytes.prefix(6)) == magic else {
            let shown = bytes.prefix(6).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw ArtifactError(source, "not a .npy file: magic bytes are \(shown), expected 93 4e 55 4d 50 59 (\"\\x93NUMPY\")")
        }
        let start = data.startIndex
        let major = data[start + 6], minor = data[start + 7]
        guard let version = NPYVersion(major: major), minor == 0 else {
            throw ArtifactError(source, "unsupported .npy format version \(major).\(minor) (supported: 1.0, 2.0, 3.0)")
        }
        guard data.count >= 8 + version.lengthFieldSize else {
            throw ArtifactError(source, "truncated inside the .npy preamble")
        }
        var headerLength = 0
        for i in 0..<version.lengthFieldSize {
            headerLength |= Int(data[start + 8 + i]) << (8 * i)
        }
        let headerStart = 8 + version.lengthFieldSize
        guard data.count >= headerStart + headerLength else {
            throw ArtifactError(source, "truncated: header declares \(headerLength) bytes but the file ends after \(data.count - headerStart)")
        }
        let textBytes = data[(start + headerStart)..<(start + headerStart + headerLength)]
        guard let text = String(bytes: textBytes, encoding: version == .v3 ? .utf8 : .isoLatin1) else {
            throw ArtifactError(source, "header is not valid text")
        }
        let header = try parseDictionary(text, source: source)
        return (header, headerStart + headerLength)
    }

    /// Reads NumPy's header dictionary, e.g. `{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }`.
    private static func parseDictionary(_ text: String, source: String) throws -> NPYHeader {
        var scanner = PythonLiteralScanner(text)
        var descr: String?
        var fortran: Bool?
        var shape: [Int]?
        func bad(_ what: String) -> ArtifactError {
            ArtifactError(source, "malformed .npy header (\(what)): \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard scanner.consume("{") else { throw bad("expected '{'") }
        while !scanner.consume("}") {
            guard let key = scanner.string() else { throw bad("expected a quoted key") }
            guard scanner.consume(":") else { throw bad("expected ':' after '\(key)'") }
            switch key {
            case "descr":
                guard let value = scanner.string() else {
                    throw ArtifactError(source, "unsupported dtype: structured or non-string descr in \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
                }
                descr = value
            case "fortran_order":
                guard let value = scanner.boolean() else { throw bad("fortran_order is not True or False") }
                fortran = value
            case "shape":
                guard let value = scanner.integerTuple() else { throw bad("shape is not a tuple of integers") }
                shape = value
            default:
                throw bad("unexpected key '\(key)'")
            }
            if !scanner.consume(",") {
                guard scanner.consume("}") else { throw bad("expected ',' or '}'") }
                break
            }
        }
        guard let descr, let fortran, let shape else { throw bad("missing descr, fortran_order or shape") }
        guard let dtype = DType(descr: descr) else {
            let supported = DType.allCases.map(\.rawValue).joined(separator: " ")
            throw ArtifactError(source, "unsupported dtype '\(descr)' (supported: \(supported))")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw bad("negative extent in shape") }
        if fortran && shape.filter({ $0 > 1 }).count > 1 {
            throw ArtifactError(source, "Fortran-ordered (column-major) array of shape \(NumPyArray.describe(shape)) is not supported; save it with np.ascontiguousarray")
        }
        // With at most one axis longer than 1, Fortran and C order lay out the same bytes.
        return NPYHeader(dtype: dtype, shape: shape, fortranOrder: false)
    }
}

/// A `.npy` format version: 1.0 has a 2-byte header length, 2.0 and 3.0 a 4-byte one (3.0: UTF-8 header).
public enum NPYVersion: UInt8, Sendable {
    case v1 = 1, v2 = 2, v3 = 3

    init?(major: UInt8) { self.init(rawValue: major) }
    var major: UInt8 { rawValue }
    var lengthFieldSize: Int { self == .v1 ? 2 : 4 }
}

/// A minimal scanner for the Python literals that appear in `.npy` headers.
private struct PythonLiteralScanner {
    private let characters: [Character]
    private var position = 0

    init(_ text: String) { characters = Array(text) }

    private mutating func skipSpace() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    mutating func consume(_ token: Character) -> Bool {
        skipSpace()
        guard position < characters.count, characters[position] == token else { return false }
        position += 1
        return true
    }

    mutating func string() -> String? {
        skipSpace()
        guard position < characters.count, characters[position] == "'" || characters[position] == "\"" else { return nil }
        let quote = characters[position]
        var end = position + 1
        while end < characters.count, characters[end] != quote { end += 1 }
        guard end < characters.count else { return nil }
        defer { position = end + 1 }
        return String(characters[(position + 1)..<end])
    }

    mutating func boolean() -> Bool? {
        skipSpace()
        for (word, value) in [("True", true), ("False", false)] where characters[position...].starts(with: word) {
            position += word.count
            return value
        }
        return nil
    }

    mutating func integerTuple() -> [Int]? {
        guard consume("(") else { return nil }
        var values: [Int] = []
        while !consume(")") {
            skipSpace()
            var end = position
            while end < characters.count, characters[end].isNumber { end += 1 }
            guard end > position, let value = Int(String(characters[position..<end])) else { return nil }
            values.append(value)
            position = end
            if position < characters.count, characters[position] == "L" { position += 1 } // Python 2 longs
            if !consume(",") {
                guard consume(")") else { return nil }
                break
            }
        }
        return values
    }
}
