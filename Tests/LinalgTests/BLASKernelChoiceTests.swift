import Linalg
import XCTest

/// Overriding OpenBLAS's generic fallback kernels on CPUs it does not recognise.
final class BLASKernelChoiceTests: XCTestCase {
    let avx512: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    func testAFallbackCoreIsReplacedByTheBestTheInstructionSetAllows() {
        XCTAssertEqual(BLASKernelChoice.betterCore(detected: "Prescott", cpuFlags: avx512), "SkylakeX")
        XCTAssertEqual(BLASKernelChoice.betterCore(detected: "Prescott", cpuFlags: ["sse3", "avx", "avx2", "fma", "avx512f"]), "Haswell",
                       "AVX-512 F alone is not enough for the SkylakeX kernels")
        XCTAssertNil(BLASKernelChoice.betterCore(detected: "Prescott", cpuFlags: ["sse3", "avx"]))
        XCTAssertNil(BLASKernelChoice.betterCore(detected: "Prescott", cpuFlags: []), "no flags (not x86): keep it")
    }

    func testARealDetectionStands() {
        XCTAssertNil(BLASKernelChoice.betterCore(detected: "SkylakeX", cpuFlags: avx512))
        XCTAssertNil(BLASKernelChoice.betterCore(detected: "Haswell", cpuFlags: avx512), "a recognised CPU keeps OpenBLAS's choice")
    }
}
