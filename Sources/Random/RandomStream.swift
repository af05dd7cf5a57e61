import CGSL
import Foundation

/// A reproducible random number stream: GSL's samplers drawing from a Philox4x32-10 generator.
///
/// Streams are split deterministically: `RandomStream(seed:stage:index:)` gives every
/// (master seed, stage, sample or chunk index) its own independent stream, so a parallel loop that
/// draws sample `i`'s randomness from stream `i` produces the same bytes with any number of threads.
/// A stream itself is not thread-safe: use one per task.
public final class RandomStream {
    private let generator: UnsafeMutablePointer<gsl_rng>
    /// The generator's state inside `generator`, for draws that need no GSL sampler.
    private let philox: UnsafeMutablePointer<PhiloxState>

    /// The stream for sample or chunk `index` of `stage` under the run's master `seed`.
    public init(seed: UInt64, stage: String, index: UInt64 = 0) {
        generator = gsl_rng_alloc(philoxType)
        let key = RandomStream.mix(seed ^ RandomStream.mix(RandomStream.fnv1a(stage)))
        philox = gsl_rng_state(generator)!.assumingMemoryBound(to: PhiloxState.self)
        philox.pointee.key = (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32))
        philox.pointee.counter = (0, 0, UInt32(truncatingIfNeeded: index), UInt32(truncatingIfNeeded: index >> 32))
        philox.pointee.used = 4
    }

    deinit {
        gsl_rng_free(generator)
    }

    /// The GSL name of the underlying generator.
    public var generatorName: String { String(cString: gsl_rng_name(generator)) }

    /// Uniform on [0, 1): exactly `gsl_rng_uniform`, read from the generator without GSL's indirection
    /// (this is the innermost call of every Monte Carlo loop).
    public func uniform() -> Double { Double(philox.pointee.next()) / 4_294_967_296.0 }

    /// Uniform on (0, 1): never exactly 0, for logarithms.
    public func uniformPositive() -> Double { gsl_rng_uniform_pos(generator) }

    /// Uniform on [low, high).
    public func uniform(_ low: Double, _ high: Double) -> Double { gsl_ran_flat(generator, low, high) }

    /// A uniform integer in 0..<n, without modulo bias; n must be in 1...2³².
    public func uniformInt(_ n: Int) -> Int {
        precondition(n >= 1 && n <= 1 << 32, "uniformInt(\(n)): n must be in 1...2^32")
        return Int(gsl_rng_uniform_int(generator, UInt(n)))
    }

    /// A normal deviate with mean 0 and standard deviation `sigma` (GSL's ziggurat sampler).
    public func gaussian(sigma: Double = 1) -> Double { gsl_ran_gaussian_ziggurat(generator, sigma) }

    /// An exponential deviate with the given mean (GSL's `gsl_ran_exponential`, −mean · log(1 − u)).
    public func exponential(mean: Double) -> Double { gsl_ran_exponential(generator, mean) }

    /// The waiting time to the next event of a Poisson clock with the given total rate: an
    /// exponential deviate with mean 1/rate from the ziggurat (`ExponentialZiggurat`), not GSL —
    /// no logarithm on the fast path, for the innermost loop of the rejection-free samplers.
    public func waitingTime(rate: Double) -> Double {
        exponentialZiggurat.sample { philox.pointee.next() } / rate
    }

    /// Shuffles `values` in place (Fisher–Yates through GSL).
    public func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        values.withUnsafeMutableBufferPointer { buffer in
            gsl_ran_shuffle(generator, buffer.baseAddress, buffer.count, MemoryLayout<T>.stride)
        }
    }

    /// FNV-1a over the UTF-8 bytes: a stable 64-bit hash of a stage name (Swift's `Hasher` is seeded per process).
    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }

    /// The SplitMix64 finaliser: spreads every input bit over the output.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The GSL version string, e.g. `2.7.1`.
public var gslVersion: String { String(cString: gsl_version) }
