/// The sizes that must fit together: the small system that is simulated, the large one built from
/// it by upsampling, and the K patches that tile the large one — validated once, here.
///
/// Upsampling, partial evolution, encoding, the closure autoencoder and `macroscale run`'s check
/// of a pipeline's sizes all take K and the patch origins from a `Tiling`.
public struct Tiling: Equatable, Sendable {
    /// The spatial shape of the small system (the patch shape by default).
    public let smallShape: [Int]
    /// The spatial shape of the large system.
    public let largeShape: [Int]
    /// The spatial shape of one patch.
    public let patchShape: [Int]

    /// Tiles `large` by patches of `patch` (default: `small`); fails unless every patch extent is at
    /// least 1 and divides the large extent.
    public init(small: [Int], large: [Int], patch: [Int]? = nil) throws {
        let patch = patch ?? small
        guard small.count == large.count, patch.count == large.count,
              zip(large, patch).allSatisfy({ $1 >= 1 && $0 % $1 == 0 }) else {
            throw ConfigurationError("patch size \(Self.text(patch)) does not tile the lattice of size \(Self.text(large))")
        }
        smallShape = small
        largeShape = large
        patchShape = patch
    }

    /// Tiles `large` by patches of `patch` when the small system does not matter (encoding, the closure).
    public init(large: [Int], patch: [Int]) throws {
        try self.init(small: patch, large: large, patch: patch)
    }

    /// K, the number of patches.
    public var patches: Int { Self.patches(of: largeShape, patchShape: patchShape) }

    /// K for a patch shape already known to tile `shape` (a lone patch: 1).
    public static func patches(of shape: [Int], patchShape: [Int]) -> Int {
        zip(shape, patchShape).reduce(1) { $0 * $1.0 / $1.1 }
    }

    /// The patches' origins, in C order.
    public var origins: [[Int]] { Grid<Int8>.tilingOrigins(of: largeShape, patchSize: patchShape) }

    /// The levels of upsampling by `factor` that grow `small` to `large`; fails unless `large` is
    /// `small` times a power of `factor`.
    public static func upsamplingLevels(from small: [Int], to large: [Int], factor: Int) throws -> Int {
        guard small.count == large.count, factor >= 2 || small == large else {
            throw ConfigurationError("cannot upsample \(text(small)) to \(text(large)) with factor \(factor)")
        }
        var current = small, levels = 0
        while current != large {
            // An extent that overflows has passed every target (`--target-size` near Int.max).
            current = current.map { $0.multipliedReportingOverflow(by: factor).overflow ? .max : $0 * factor }
            levels += 1
            guard zip(current, large).allSatisfy({ $0 <= $1 }), !current.contains(.max) else {
                throw ConfigurationError("target size \(text(large)) is not the input size \(text(small)) times a power of \(factor)")
            }
        }
        return levels
    }

    /// A shape as its linear size where every axis has it (`64`, as `--target-size` gives it), else `64×32`.
    static func text(_ shape: [Int]) -> String {
        Set(shape).count == 1 ? String(shape[0]) : shape.map(String.init).joined(separator: "×")
    }
}
