import Foundation

/// Numbers as people read them: four significant digits, in every human-facing table, line and page.
///
/// Machine-readable output (CSV, JSON) carries full precision instead; this formatter is only for
/// what a person reads.
public enum SignificantDigits {
    /// `value` with four significant digits (`0.02646`, `1.235e+05`), `missing` for nil.
    public static func text(_ value: Double?, missing: String = "–") -> String {
        value.map { String(format: "%.4g", $0) } ?? missing
    }

    /// `text(value)` right-aligned in `width` characters, for fixed-width columns.
    public static func padded(_ value: Double, width: Int) -> String {
        let text = text(value)
        return String(repeating: " ", count: max(width - text.count, 0)) + text
    }
}
