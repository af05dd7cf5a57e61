import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Progress of a long loop, reported on standard error as count, rate and estimated time left,
/// followed by a status the loop sets (`loss -35.59, validation -36.59`; `condition m0 = 0.6: MMD²`).
///
/// On a terminal the line is redrawn in place (at most ten times a second); otherwise a line is
/// printed at most every `sparseInterval` seconds and at the end, so logs stay short. Nothing is
/// printed when `Progress.quiet` is set. Safe to advance from several threads.
public final class Progress: Sendable {
    /// Silences every progress report in the process (the CLI's `--quiet`).
    public static var quiet: Bool {
        get { quietFlag.load(ordering: .relaxed) }
        set { quietFlag.store(newValue, ordering: .relaxed) }
    }
    private static let quietFlag = Atomic<Bool>(false)

    private struct State {
        var done = 0
        var lastReport: Double = -.infinity
        var finished = false
        var status = ""
    }

    private let label: String
    private let total: Int
    private let interactive: Bool
    private let sparseInterval: Double
    private let clock: @Sendable () -> Double
    private let output: @Sendable (String) -> Void
    private let start: Double
    private let state = Mutex(State())

    /// Starts reporting `total` units of work called `label`.
    ///
    /// `interactive` (default: standard error is a terminal) selects in-place redraws; `clock` and
    /// `output` default to the monotonic clock and standard error and exist for tests.
    public init(_ label: String, total: Int,
                interactive: Bool = isatty(STDERR_FILENO) != 0,
                sparseInterval: Double = 10,
                clock: @escaping @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
                output: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = label
        self.total = total
        self.interactive = interactive
        self.sparseInterval = sparseInterval
        self.clock = clock
        self.output = output
        self.start = clock()
    }

    /// Records `units` more units done, reporting if it is time to.
    public func advance(by units: Int = 1) {
        let now = clock()
        let line: String? = state.withLock { state in
            state.done += units
            let due = interactive ? now - state.lastReport >= 0.1 : now - state.lastReport >= sparseInterval
            guard due, state.done < total, !Progress.quiet else { return nil }
            state.lastReport = now
            return render(done: state.done, now: now, status: state.status)
        }
        if let line { emit(line, final: false) }
    }

    /// Sets the status shown after the count from the next line on (empty: none).
    public func show(_ status: String) {
        state.withLock { $0.status = status }
    }

    /// `loss -35.59, validation -36.59` (four significant digits; the validation part only when there is one), for `show`.
    public static func losses(training: Double, validation: Double?) -> String {
        "loss \(String(format: "%.4g", training))" + (validation.map { ", validation \(String(format: "%.4g", $0))" } ?? "")
    }

    /// Reports the final count and elapsed time (once).
    public func finish() {
        let now = clock()
        let line: String? = state.withLock { state in
            guard !state.finished, !Progress.quiet else { return nil }
            state.finished = true
            return render(done: state.done, now: now, status: state.status)
        }
        if let line { emit(line, final: true) }
    }

    private func emit(_ line: String, final: Bool) {
        if interactive {
            output("\r\u{1B}[K" + line + (final ? "\n" : ""))
        } else {
            output(line + "\n")
        }
    }

    /// `label: done/total (percent) rate/s, ETA` while running; `label: done/total in elapsed` at
    /// the end; either followed by `; status` when one is set.
    func render(done: Int, now: Double, status: String = "") -> String {
        let elapsed = max(now - start, 0)
        let percent = total > 0 ? 100 * Double(done) / Double(total) : 100
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var line = "\(label): \(done)/\(total) (\(String(format: "%.0f", percent))%)"
        if done >= total {
            line += " in \(Progress.duration(elapsed))"
        } else if rate > 0 {
            line += ", \(Progress.rate(rate))/s, ETA \(Progress.duration(Double(total - done) / rate))"
        }
        return status.isEmpty ? line : line + "; " + status
    }

    static func rate(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : String(format: "%.2g", value)
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60)m\(String(format: "%02d", whole % 60))s" }
        return "\(whole / 3600)h\(String(format: "%02d", (whole % 3600) / 60))m"
    }
}
