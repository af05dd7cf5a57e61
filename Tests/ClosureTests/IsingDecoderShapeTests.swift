@testable import Closure
import Foundation
import Learning
import Random
import Systems
import XCTest

/// The Ising closure decoder reproduces lattices whose side is not a power of two (48 = 6·2³ from
/// 16² patches, the upsampling factor 3), with the reference's 4·2^k shapes unchanged.
final class IsingDecoderShapeTests: XCTestCase {
    func testDecoderStartsFromTheSideThatDoublesUpToL() {
        let cases = [(4, 1), (6, 1), (8, 1), (16, 2), (24, 2), (32, 3), (48, 3), (64, 4), (96, 4), (128, 5)]
        for (size, doublings) in cases {
            XCTAssertEqual(IsingModel.decoderDoublings(size: size), doublings, "L = \(size)")
            XCTAssertEqual((size >> doublings) << doublings, size, "L = \(size) is the start side times 2^k")
        }
    }

    /// A batch through the networks of L = 48 and 128 with 16² patches: the decoder's output has
    /// the lattice's L² sites per configuration.
    func testDecoderOutputHasTheLatticeShape() {
        for size in [48, 128] {
            let model = IsingModel(size: size, temperature: 2.27, field: 0)
            let networks = model.closureNetworks(patchShape: [16, 16], closureDimension: 2, random: RandomStream(seed: 1, stage: "decoder"))
            let output = networks.decoder.forward(Tensor(shape: [3, 4], data: (0..<12).map { Float($0) / 12 }))
            XCTAssertEqual(output.shape, [3, 1, size, size], "L = \(size)")
            XCTAssertEqual(output.count, model.reconstructionTarget(Grid(spatialShape: [size, size], values: [Int8](repeating: 1, count: size * size))).count * 3)
        }
    }

    /// An odd L cannot be reached by doublings and is refused by name before training.
    func testOddLatticesAreRefused() throws {
        try IsingModel(size: 48, temperature: 2.27, field: 0).validateClosure(patchShape: [16, 16])
        XCTAssertThrowsError(try IsingModel(size: 45, temperature: 2.27, field: 0).validateClosure(patchShape: [15, 15])) { error in
            XCTAssertTrue("\(error)".contains("must be even; got L = 45"), "\(error)")
        }
    }
}
