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

    /// The factor of every upsampling level that grows `small` to `large`: `factors` level by level
    /// (16 → 32 → 96 for [2, 3]), which must multiply `small` into exactly `large`; a factor 1 is no
    /// level ([1]: `large` is `small`).
    public static func upsamplingFactors(from small: [Int], to large: [Int], factors: [Int]) throws -> [Int] {
        guard small.count == large.count, !factors.isEmpty, factors.allSatisfy({ $0 >= 1 }) else {
            throw ConfigurationError("cannot upsample \(text(small)) to \(text(large)) with factors \(factors.map(String.init).joined(separator: ","))")
        }
        guard let grown = upsampled(small, by: factors), grown == large else {
            throw ConfigurationError("factors \(factors.map(String.init).joined(separator: "·")) take the input size \(text(small)) to "
                                     + "\(upsampled(small, by: factors).map(text) ?? "an overflowing size"), not the target size \(text(large))")
        }
        return factors.filter { $0 > 1 }
    }

    /// `shape` grown by every factor in turn, or nil if an extent overflows.
    public static func upsampled(_ shape: [Int], by factors: [Int]) -> [Int]? {
        var grown = shape
        for factor in factors {
            for axis in grown.indices {
                let (extent, overflow) = grown[axis].multipliedReportingOverflow(by: factor)
                if overflow { return nil }
                grown[axis] = extent
            }
        }
        return grown
    }

    /// A shape as its linear size where every axis has it (`64`, as `--target-size` gives it), else `64×32`.
    static func text(_ shape: [Int]) -> String {
        Set(shape).count == 1 ? String(shape[0]) : shape.map(String.init).joined(separator: "×")
    }
}
