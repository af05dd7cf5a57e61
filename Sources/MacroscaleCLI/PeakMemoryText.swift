import Artifacts
import Reports

extension PeakMemory {
    /// The peak resident memory since the last `reset`, for people: `peak resident 41.23 MB`
    /// (four significant digits; `unknown` where the kernel gives no number).
    static var text: String {
        "peak resident " + (peakResidentBytes().map { "\(SignificantDigits.text(Double($0) / 1e6)) MB" } ?? "unknown")
    }
}
