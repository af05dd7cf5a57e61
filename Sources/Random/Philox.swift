import CGSL
import Foundation

/// The Philox4x32-10 counter-based generator (Salmon, Moraes, Dror, Shaw, SC'11), registered with
/// GSL as a `gsl_rng_type` so that every `gsl_ran_*` sampler can draw from it.
///
/// GSL's own generators take 32-bit seeds, too few for one independent stream per sample: among
/// 10⁵ streams two would likely coincide. Philox has a 64-bit key and a 128-bit counter; Macroscale
/// uses the key for (master seed, stage) and the upper 64 counter bits for the stream index, so
/// streams with different indices never overlap.
struct PhiloxState {
    var key: (UInt32, UInt32) = (0, 0)
    var counter: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    var block: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    /// Words of `block` already handed out (4: the block is used up).
    var used = 4

    /// One Philox4x32-10 block: the bijection of `counter` under `key`.
    static func block(counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
        var (c0, c1, c2, c3) = counter
        var (k0, k1) = key
        for round in 0..<10 {
            if round > 0 {
                k0 &+= 0x9E37_79B9
                k1 &+= 0xBB67_AE85
            }
            let product0 = UInt64(0xD251_1F53) * UInt64(c0)
            let product1 = UInt64(0xCD9E_8D57) * UInt64(c2)
            let (hi0, lo0) = (UInt32(product0 >> 32), UInt32(truncatingIfNeeded: product0))
            let (hi1, lo1) = (UInt32(product1 >> 32), UInt32(truncatingIfNeeded: product1))
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
        }
        return (c0, c1, c2, c3)
    }

    /// The next 32 random bits; the low 64 counter bits count blocks within the stream.
    @inline(__always)
    mutating func next() -> UInt32 {
        if used == 4 { refill() }
        defer { used &+= 1 }
        return withUnsafeBytes(of: &block) { $0.load(fromByteOffset: used &* 4, as: UInt32.self) }
    }

    /// Computes the next block (once every four words: kept out of line so that `next` inlines small).
    @inline(never)
    mutating func refill() {
        block = PhiloxState.block(counter: counter, key: key)
        counter.0 &+= 1
        if counter.0 == 0 { counter.1 &+= 1 }
        used = 0
    }
}

/// GSL's `set`: a plain `gsl_rng_set(r, seed)` selects key = seed, stream index 0.
private func philoxSet(_ state: UnsafeMutableRawPointer?, _ seed: UInt) {
    let philox = state!.assumingMemoryBound(to: PhiloxState.self)
    philox.initialize(to: PhiloxState())
    philox.pointee.key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: UInt64(seed) >> 32))
}

private func philoxGet(_ state: UnsafeMutableRawPointer?) -> UInt {
    UInt(state!.assumingMemoryBound(to: PhiloxState.self).pointee.next())
}

private func philoxGetDouble(_ state: UnsafeMutableRawPointer?) -> Double {
    Double(state!.assumingMemoryBound(to: PhiloxState.self).pointee.next()) / 4_294_967_296.0
}

/// The `gsl_rng_type` describing Philox4x32-10 to GSL; lives for the whole process.
let philoxType: UnsafeMutablePointer<gsl_rng_type> = {
    // GSL's default error handler aborts the process; Macroscale validates arguments itself.
    gsl_set_error_handler_off()
    let type = UnsafeMutablePointer<gsl_rng_type>.allocate(capacity: 1)
    type.initialize(to: gsl_rng_type(
        name: UnsafePointer(strdup("philox4x32-10")),
        max: 0xFFFF_FFFF,
        min: 0,
        size: MemoryLayout<PhiloxState>.size,
        set: philoxSet,
        get: philoxGet,
        get_double: philoxGetDouble))
    return type
}()
