import Foundation

/// Marsaglia and Tsang's ziggurat for the standard exponential distribution (J. Stat. Softw. 5, 8,
/// 2000), 256 layers, drawing 64 bits of the Philox stream per attempt.
///
/// The density e^(−x) is covered by 255 rectangles of equal area and a base strip (a rectangle plus
/// the tail beyond r). An attempt picks a layer with 8 bits and a point along it with 53 others;
/// 98.9 % of attempts land inside the part of the layer under the density and return at once, with
/// one multiplication. The rest test the wedge against e^(−x) or, in the base strip, return
/// r + (a standard exponential) from the tail's memorylessness. Unlike GSL's `gsl_ran_exponential`,
/// `−log(1 − u)`, no logarithm is taken on the fast path; the layer and the position come from
/// disjoint bits, so they are independent (Doornik 2005 found the 32-bit original's shared bits
/// correlated).
struct ExponentialZiggurat {
    static let layerCount = 256
    /// Right edge of the rectangle part of the base strip; the tail lies beyond it.
    static let tailStart = 7.697_117_470_131_487
    /// Area of each layer (and of the base strip with its tail).
    static let layerArea = 3.949_659_822_581_572e-3

    /// Attempts whose 53-bit position is below `acceptance[layer]` lie under the density.
    let acceptance: UnsafeMutablePointer<UInt64>
    /// Width of the layer divided by 2⁵³: the position times it is x.
    let scale: UnsafeMutablePointer<Double>
    /// e^(−x) at the layer's right edge (layer 0: 1, the top of the density).
    let density: UnsafeMutablePointer<Double>

    /// The tables, built as in Marsaglia and Tsang's `zigset` with 2⁵³ in place of 2³².
    init() {
        let n = ExponentialZiggurat.layerCount, unit = 9_007_199_254_740_992.0 // 2⁵³
        acceptance = .allocate(capacity: n)
        scale = .allocate(capacity: n)
        density = .allocate(capacity: n)
        var edge = ExponentialZiggurat.tailStart, previousEdge = edge
        let area = ExponentialZiggurat.layerArea
        let baseWidth = area / exp(-edge)
        acceptance[0] = UInt64(edge / baseWidth * unit)
        acceptance[1] = 0
        scale[0] = baseWidth / unit
        scale[n - 1] = edge / unit
        density[0] = 1
        density[n - 1] = exp(-edge)
        for layer in stride(from: n - 2, through: 1, by: -1) {
            edge = -log(area / edge + exp(-edge))
            acceptance[layer + 1] = UInt64(edge / previousEdge * unit)
            previousEdge = edge
            density[layer] = exp(-edge)
            scale[layer] = edge / unit
        }
    }

    /// A standard exponential deviate (mean 1) from the 32-bit words of `next`.
    @inline(__always)
    func sample(_ next: () -> UInt32) -> Double {
        while true {
            let high = UInt64(next())
            let bits = high << 32 | UInt64(next())
            let layer = Int(truncatingIfNeeded: bits & 0xFF)
            let position = bits >> 11
            let x = Double(position) * scale[layer]
            if position < acceptance[layer] { return x }
            if layer == 0 {
                // Beyond r the density is r + a standard exponential.
                return ExponentialZiggurat.tailStart - log1p(-Double(next()) / 4_294_967_296.0)
            }
            let u = Double(next()) / 4_294_967_296.0
            if density[layer] + u * (density[layer - 1] - density[layer]) < exp(-x) { return x }
        }
    }
}

/// The tables, built once and kept for the whole process.
let exponentialZiggurat = ExponentialZiggurat()
