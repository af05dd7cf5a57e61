import Artifacts
import Foundation
import Random
@testable import Systems
import XCTest

/// Trajectories of the pair model against digests recorded before the sampler was restructured for
/// batched barriers and scratch buffers: every partial evolution and the whole-lattice run must
/// give the same configuration and time, hop for hop, as the code they replaced.
final class AlloyRecordedTrajectoryTests: XCTestCase {
    /// SHA-256 of the occupation bytes followed by the elapsed time's bit pattern (little endian).
    static func digest(_ configuration: Grid<Int8>, time: Double) -> String {
        var bytes = Data(configuration.values.map { UInt8(bitPattern: $0) })
        withUnsafeBytes(of: time.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        return SHA256.hex(bytes)
    }

    /// A 12³-cell lattice with 27 vacancies: a 4³ tile evolved with each boundary for a time and for
    /// a number of hops, then the whole lattice for one step.
    func testTrajectoriesMatchTheRecordedDigests() {
        let model = AlloyModel(cells: 12, temperature: 2000, vacancies: 27)
        let random = RandomStream(seed: 15, stage: "alloy-recorded")
        var (configuration, _) = model.initialConfiguration(run: 0, random: random)
        var digests: [String] = []
        for boundary in [RegionBoundary.periodicWindow, .frozenHalo, .roaming] {
            for duration in [RegionDuration.time(2e-9), .steps(300)] {
                let time = model.evolveRegion(&configuration, origin: [10, 2, 5], size: [4, 4, 4], for: duration,
                                              boundary: boundary, random: random)
                digests.append(Self.digest(configuration, time: time))
            }
        }
        model.simulate(&configuration, steps: 1, random: random) { _, state, time in digests.append(Self.digest(state, time: time)) }
        XCTAssertEqual(digests, Self.recorded)
    }

    /// Recorded with the sampler of commit 7a54962 (before scratch buffers and batches).
    static let recorded = [
        "747b6b23f8caa28490e8a9d28d69886761733b5c072d503ad8c195fd866ff23a",
        "587248a08503b0c29e5bc05aafb0b0c9a7cccff5849d98bf88e7eee266068c54",
        "25a5d94e9e7623c3d29641f9fd9224f4f7131f8c2db93a5d37e0d1b8204f7f99",
        "9c634da3072ecd1d406f16f983b43acfad0e1ce61be229960527ace6b92786ac",
        "ebc737ffb739cc057655e10493521ae753ec07ed649929ff4961342668cb899d",
        "0762e264d665a59c8dffe0f54a4f4172b7aa02bc648931dcd4c9ec4b2e8b349e",
        "19f396cf0ebe6fa7ab81d0346ad5fd2e56b62228e78d5408693969be7e5c8c7e",
    ]
}
