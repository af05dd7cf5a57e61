import Foundation

/// Finite-size scaling of the zero-field 2D Ising model near T_c (Docs/CRITICAL.md).
///
/// At each (L, T): ⟨|M|⟩, χ = (L²/T)(⟨M²⟩ − ⟨|M|⟩²) and the Binder cumulant
/// U = 1 − ⟨M⁴⟩/(3⟨M²⟩²), with errors by blocking and the jackknife (`BlockJackknife`). For each L,
/// weighted polynomials in T − T* through ln⟨|M|⟩, ln χ and U give their values at the scaling
/// temperature T* and the Binder slope dU/dT there. Weighted straight lines in ln L then give
/// β/ν from ⟨|M|⟩ ∝ L^{−β/ν}, γ/ν from χ ∝ L^{γ/ν} and 1/ν from |dU/dT| ∝ L^{1/ν}; the
/// polynomials of consecutive sizes give the temperatures where their Binder cumulants cross.
/// Where the samples carry energies, dU/dT at T* also comes from energy reweighting of each size's
/// sample nearest T* (`reweightedBinderSlope`), free of the polynomials' curvature bias.
public enum FiniteSizeScaling {
    /// Onsager's exact values for the 2D Ising model.
    public enum Exact {
        /// T_c = 2/ln(1 + √2).
        public static let criticalTemperature = 2 / log(1 + 2.0.squareRoot())
        public static let betaOverNu = 0.125
        public static let gammaOverNu = 1.75
        public static let inverseNu = 1.0
    }

    /// A number with its statistical error.
    public struct Estimate: Codable, Sendable, Equatable {
        public var value: Double
        public var error: Double

        public init(_ value: Double, _ error: Double) {
            self.value = value
            self.error = error
        }
    }

    /// The observables at one (L, T).
    public struct Point: Codable, Sendable {
        public var size: Int
        public var temperature: Double
        public var samples: Int
        public var blocks: Int
        public var absMagnetization: Estimate
        public var susceptibility: Estimate
        public var binder: Estimate

        public init(size: Int, temperature: Double, samples: Int, blocks: Int, absMagnetization: Estimate, susceptibility: Estimate, binder: Estimate) {
            self.size = size
            self.temperature = temperature
            self.samples = samples
            self.blocks = blocks
            self.absMagnetization = absMagnetization
            self.susceptibility = susceptibility
            self.binder = binder
        }
    }

    /// ⟨|M|⟩, χ and U of the samples of one (L, T) with errors from `blocks` blocks.
    public static func point(size: Int, temperature: Double, runs: [[Double]], blocks: Int) -> Point {
        let moments = BlockJackknife(runs: runs, blocks: blocks, features: [{ abs($0) }, { $0 * $0 }, { $0 * $0 * $0 * $0 }])
        let volume = Double(size * size)
        return Point(size: size, temperature: temperature, samples: moments.samples, blocks: moments.blocks,
                     absMagnetization: Estimate(moments.estimate { $0[0] }),
                     susceptibility: Estimate(moments.estimate { volume / temperature * ($0[1] - $0[0] * $0[0]) }),
                     binder: Estimate(moments.estimate { 1 - $0[2] / (3 * $0[1] * $0[1]) }))
    }

    /// dU/dT at `scalingTemperature` from samples of magnetization m and energy per spin e at
    /// `temperature`, by energy reweighting: ⟨O⟩* = ⟨O w⟩/⟨w⟩ with w = e^{−(β* − β)(E − Ē)}, E = L²e,
    /// and d⟨O⟩*/dβ* = −(⟨OE⟩* − ⟨O⟩*⟨E⟩*), so dU/dT = (1/3T*²)(∂⟨m⁴⟩/⟨m²⟩² − 2⟨m⁴⟩∂⟨m²⟩/⟨m²⟩³)
    /// with ∂ = d/dβ*. Exact at the sampled temperature; reliable while |β* − β| σ_E ≲ 1.
    public static func reweightedBinderSlope(size: Int, temperature: Double, runs: [[Double]], energies: [[Double]],
                                             at scalingTemperature: Double, blocks: Int) -> Estimate {
        let volume = Double(size * size)
        let samples = zip(runs, energies).map { zip($0, $1).map { (m: $0, energy: volume * $1) } }
        let count = Double(samples.reduce(0) { $0 + $1.count })
        // Energies about their mean keep the weights near 1; the shift cancels in every ratio.
        let meanEnergy = samples.reduce(0) { $0 + $1.reduce(0) { $0 + $1.energy } } / count
        let deltaBeta = 1 / scalingTemperature - 1 / temperature
        typealias Sample = (m: Double, energy: Double)
        func weighted(_ o: @escaping (Sample) -> Double, energyPower: Int) -> (Sample) -> Double {
            { sample in
                let energy = sample.energy - meanEnergy
                return exp(-deltaBeta * energy) * o(sample) * (energyPower == 1 ? energy : 1)
            }
        }
        let m2: (Sample) -> Double = { $0.m * $0.m }, m4: (Sample) -> Double = { $0.m * $0.m * $0.m * $0.m }
        let moments = BlockJackknife(runs: samples, blocks: blocks, features: [
            weighted({ _ in 1 }, energyPower: 0), weighted(m2, energyPower: 0), weighted(m4, energyPower: 0),
            weighted({ _ in 1 }, energyPower: 1), weighted(m2, energyPower: 1), weighted(m4, energyPower: 1),
        ])
        return Estimate(moments.estimate { f in
            let (m2, m4, energy) = (f[1] / f[0], f[2] / f[0], f[3] / f[0])
            let dm2 = -(f[4] / f[0] - m2 * energy), dm4 = -(f[5] / f[0] - m4 * energy)
            return (dm4 / (m2 * m2) - 2 * m4 * dm2 / (m2 * m2 * m2)) / (3 * scalingTemperature * scalingTemperature)
        })
    }

    /// dU/dT at T* by energy reweighting from the sample of one size nearest T*.
    public struct ReweightedSlope: Codable, Sendable {
        /// The temperature of the samples reweighted.
        public var from: Double
        public var slope: Estimate

        public init(from: Double, slope: Estimate) {
            self.from = from
            self.slope = slope
        }
    }

    /// One size's observables at the scaling temperature, from its polynomials in T.
    public struct AtScalingTemperature: Codable, Sendable {
        public var size: Int
        public var temperatures: [Double]
        /// The polynomials' degree (at most the number of temperatures less one).
        public var degree: Int
        public var absMagnetization: Estimate
        public var susceptibility: Estimate
        public var binder: Estimate
        /// dU/dT at T* (nil with a single temperature).
        public var binderSlope: Estimate?
        /// dU/dT at T* by energy reweighting (nil without energies).
        public var reweightedBinderSlope: ReweightedSlope?
        /// χ²/dof of the polynomials through ln⟨|M|⟩, ln χ and U (nil without degrees of freedom).
        public var chiSquaredPerDegreeOfFreedom: [String: Double]
    }

    /// A power law fitted as a straight line in ln L.
    public struct Exponent: Codable, Sendable {
        /// The exponent (sign chosen so that the exact value is positive).
        public var value: Double
        /// Its error from the points' errors.
        public var error: Double
        /// The error times max(1, √(χ²/dof)): what to quote when the points scatter beyond their errors.
        public var scaledError: Double
        public var rSquared: Double
        public var chiSquaredPerDegreeOfFreedom: Double?
        public var exact: Double
        /// The sizes fitted.
        public var sizes: [Int]

        init(_ fit: PolynomialFit, sign: Double, exact: Double, sizes: [Int]) {
            value = sign * fit.coefficients[1]
            error = fit.covariance[1][1].squareRoot()
            scaledError = error * max(1, (fit.chiSquaredPerDegreeOfFreedom ?? 0).squareRoot())
            rSquared = fit.rSquared
            chiSquaredPerDegreeOfFreedom = fit.chiSquaredPerDegreeOfFreedom
            self.exact = exact
            self.sizes = sizes
        }
    }

    /// Where the Binder cumulants of two sizes cross.
    public struct Crossing: Codable, Sendable {
        public var sizes: [Int]
        public var temperature: Estimate
    }

    /// The whole analysis, as `critical.json` records it.
    public struct Result: Codable, Sendable {
        public var scalingTemperature: Double
        public var points: [Point]
        public var atScalingTemperature: [AtScalingTemperature]
        public var betaOverNu: Exponent
        public var gammaOverNu: Exponent
        /// Nil when fewer than two sizes have several temperatures.
        public var inverseNu: Exponent?
        /// 1/ν from the reweighted Binder slopes (nil when fewer than two sizes have energies).
        public var inverseNuReweighted: Exponent?
        public var binderCrossings: [Crossing]
    }

    /// Fits every size's polynomials and the exponents, and 1/ν from `reweighted` slopes (by size)
    /// where there are any; `source` names the data in errors.
    public static func analyse(_ points: [Point], reweighted: [Int: ReweightedSlope] = [:], scalingTemperature: Double, degree: Int,
                               source: String) throws -> Result {
        let sizes = Set(points.map(\.size)).sorted()
        var fits: [(size: Int, binder: PolynomialFit)] = []
        var atScaling: [AtScalingTemperature] = []
        for size in sizes {
            let row = points.filter { $0.size == size }.sorted { $0.temperature < $1.temperature }
            let temperatures = row.map(\.temperature)
            let order = min(degree, row.count - 1)
            func fit(_ values: [Estimate], logarithm: Bool, name: String) throws -> PolynomialFit {
                try PolynomialFit(x: temperatures, y: values.map { logarithm ? log($0.value) : $0.value },
                                  errors: values.map { logarithm ? $0.error / $0.value : $0.error },
                                  degree: order, center: scalingTemperature, source: "\(source): \(name) at L = \(size)")
            }
            let magnetization = try fit(row.map(\.absMagnetization), logarithm: true, name: "ln⟨|M|⟩")
            let susceptibility = try fit(row.map(\.susceptibility), logarithm: true, name: "ln χ")
            let binder = try fit(row.map(\.binder), logarithm: false, name: "U")
            func logarithmic(_ fit: PolynomialFit) -> Estimate {
                let value = exp(fit.value(at: scalingTemperature))
                return Estimate(value, value * fit.variance(at: scalingTemperature).squareRoot())
            }
            atScaling.append(AtScalingTemperature(
                size: size, temperatures: temperatures, degree: order,
                absMagnetization: logarithmic(magnetization), susceptibility: logarithmic(susceptibility),
                binder: Estimate(binder.value(at: scalingTemperature), binder.variance(at: scalingTemperature).squareRoot()),
                binderSlope: order >= 1 ? Estimate(binder.slope(at: scalingTemperature), binder.slopeVariance(at: scalingTemperature).squareRoot()) : nil,
                reweightedBinderSlope: reweighted[size],
                chiSquaredPerDegreeOfFreedom: ["absMagnetization": magnetization.chiSquaredPerDegreeOfFreedom,
                                               "susceptibility": susceptibility.chiSquaredPerDegreeOfFreedom,
                                               "binder": binder.chiSquaredPerDegreeOfFreedom].compactMapValues { $0 }))
            if order >= 1 { fits.append((size, binder)) }
        }
        func powerLaw(_ values: [(size: Int, estimate: Estimate)], sign: Double, exact: Double, name: String) throws -> Exponent {
            let line = try PolynomialFit(x: values.map { log(Double($0.size)) }, y: values.map { log(abs($0.estimate.value)) },
                                         errors: values.map { $0.estimate.error / abs($0.estimate.value) }, degree: 1,
                                         source: "\(source): \(name) against ln L")
            return Exponent(line, sign: sign, exact: exact, sizes: values.map(\.size))
        }
        let slopes = atScaling.compactMap { row in row.binderSlope.map { (row.size, $0) } }
        let reweightedSlopes = atScaling.compactMap { row in row.reweightedBinderSlope.map { (row.size, $0.slope) } }
        return Result(
            scalingTemperature: scalingTemperature, points: points, atScalingTemperature: atScaling,
            betaOverNu: try powerLaw(atScaling.map { ($0.size, $0.absMagnetization) }, sign: -1, exact: Exact.betaOverNu, name: "ln⟨|M|⟩"),
            gammaOverNu: try powerLaw(atScaling.map { ($0.size, $0.susceptibility) }, sign: 1, exact: Exact.gammaOverNu, name: "ln χ"),
            inverseNu: slopes.count >= 2 ? try powerLaw(slopes, sign: 1, exact: Exact.inverseNu, name: "ln |dU/dT|") : nil,
            inverseNuReweighted: reweightedSlopes.count >= 2
                ? try powerLaw(reweightedSlopes, sign: 1, exact: Exact.inverseNu, name: "ln |dU/dT| (reweighted)") : nil,
            binderCrossings: zip(fits, fits.dropFirst()).compactMap { crossing($0.binder, $1.binder, sizes: [$0.size, $1.size], points: points) })
    }

    /// The temperature where two sizes' Binder polynomials cross within the temperatures both
    /// cover, with the error σ(U₁ − U₂)/|d(U₁ − U₂)/dT| there; nil if they do not cross (or touch).
    static func crossing(_ first: PolynomialFit, _ second: PolynomialFit, sizes: [Int], points: [Point]) -> Crossing? {
        let ranges = sizes.map { size in points.filter { $0.size == size }.map(\.temperature) }
        guard let low = ranges.compactMap({ $0.min() }).max(), let high = ranges.compactMap({ $0.max() }).min(), low < high else { return nil }
        func difference(_ t: Double) -> Double { first.value(at: t) - second.value(at: t) }
        let grid = (0...200).map { low + (high - low) * Double($0) / 200 }
        guard let index = grid.indices.dropLast().first(where: { difference(grid[$0]) * difference(grid[$0 + 1]) <= 0 }) else { return nil }
        var (a, b) = (grid[index], grid[index + 1])
        for _ in 0..<60 {
            let middle = (a + b) / 2
            if difference(a) * difference(middle) <= 0 { b = middle } else { a = middle }
        }
        let t = (a + b) / 2
        let slope = first.slope(at: t) - second.slope(at: t)
        guard slope != 0 else { return nil }
        let spread = (first.variance(at: t) + second.variance(at: t)).squareRoot()
        return Crossing(sizes: sizes, temperature: Estimate(t, spread / abs(slope)))
    }
}

extension FiniteSizeScaling.Estimate {
    init(_ pair: (value: Double, error: Double)) {
        self.init(pair.value, pair.error)
    }
}
