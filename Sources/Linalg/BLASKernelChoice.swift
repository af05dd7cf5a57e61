import COpenBLAS
import Foundation

/// Choosing OpenBLAS's kernels on CPUs its runtime detection does not recognise.
///
/// OpenBLAS built with DYNAMIC_ARCH picks its kernels once, when the library loads, from the CPU
/// model number. On a model it does not know (new server parts, CPUs that hypervisors report
/// generically) it falls back to Prescott's SSE3 kernels, whatever the instruction set: on an
/// AVX-512 machine that runs sgemm about 4× slower (26 against 103 GFLOP/s single-threaded).
/// The choice can only be overridden by `OPENBLAS_CORETYPE` before the library loads, so the
/// executable restarts itself once with it set.
public enum BLASKernelChoice {
    /// The core whose kernels OpenBLAS uses (e.g. "SkylakeX", "Haswell", "Prescott").
    public static var detectedCore: String { String(cString: openblas_get_corename()) }

    /// Cores OpenBLAS falls back to on CPUs it does not recognise; none uses AVX2.
    static let fallbackCores: Set<String> = ["prescott", "core2", "penryn", "nehalem", "barcelona"]

    /// The core to request instead of `detected` on a CPU with `cpuFlags` (as /proc/cpuinfo
    /// names them): "SkylakeX" with AVX-512 F, CD, BW, DQ and VL; "Haswell" with AVX2 and FMA;
    /// nil when the detected core stands.
    public static func betterCore(detected: String, cpuFlags: Set<String>) -> String? {
        guard fallbackCores.contains(detected.lowercased()) else { return nil }
        if cpuFlags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The instruction-set flags of the first CPU in /proc/cpuinfo (empty where there is none).
    public static var cpuFlags: Set<String> {
        guard let handle = FileHandle(forReadingAtPath: "/proc/cpuinfo") else { return [] }
        let info = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        guard let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// Restarts this executable with `OPENBLAS_CORETYPE` set to the better core, if there is one
    /// and the variable is not set already (so the user's choice wins and it restarts at most once).
    /// Returns only when no restart is needed or the restart failed.
    public static func restartWithBetterKernelsIfNeeded() {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              let core = betterCore(detected: detectedCore, cpuFlags: cpuFlags) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
    }
}
