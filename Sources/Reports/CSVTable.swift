import Foundation

/// A table as CSV for scripts (RFC 4180): a header row, then one line per row; fields holding a
/// comma, quote or line break are quoted, numbers carry full precision, missing values are empty.
public struct CSVTable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// A number as a CSV field: the shortest text that reads back as the same `Double`, empty for nil.
    public static func field(_ value: Double?) -> String { value.map { String($0) } ?? "" }

    /// The table's text, each line ending in a line feed.
    public var text: String {
        ([header] + rows).map { $0.map(CSVTable.quoted).joined(separator: ",") + "\n" }.joined()
    }

    /// `field`, quoted (with doubled quotes) where it holds a comma, quote or line break.
    static func quoted(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}
