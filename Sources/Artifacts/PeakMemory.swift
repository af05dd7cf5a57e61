import Foundation

/// The peak resident memory of this process since a stage started, as the kernel counts it.
///
/// On Linux, writing `5` to `/proc/self/clear_refs` resets the high-water mark of the resident
/// set (`VmHWM` in `/proc/self/status`), so stages run one after another in one process — a
/// pipeline — each report their own peak. Elsewhere, or where `/proc` is not readable, there is
/// no number (nil).
public enum PeakMemory {
    /// Starts a new measurement: the high-water mark drops to the memory resident now.
    public static func reset() {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return }
        try? handle.write(contentsOf: Data("5".utf8))
        try? handle.close()
    }

    /// The largest resident memory, in bytes, since the last `reset` (or the process's start).
    public static func peakResidentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return kilobytes * 1024
    }
}
