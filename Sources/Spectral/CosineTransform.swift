import CFFTW
import Synchronization

/// A real scalar type FFTW can transform: `Double` (fftw_*) or `Float` (fftwf_*).
public protocol FFTWScalar: BinaryFloatingPoint, Sendable {
    static func planCosineTransforms(length: Int32, batch: Int32, input: UnsafeMutablePointer<Self>,
                                     output: UnsafeMutablePointer<Self>, kind: fftw_r2r_kind) -> OpaquePointer?
    static func execute(_ plan: OpaquePointer, input: UnsafeMutablePointer<Self>, output: UnsafeMutablePointer<Self>)
    static func destroy(_ plan: OpaquePointer)
}

/// FFTW planner flags (bit values from fftw3.h; the header's macros are not imported into Swift).
enum PlannerFlags {
    /// Choose the algorithm by a deterministic heuristic, not by timing, so that results are
    /// bit-for-bit reproducible across runs and machines of the same build.
    static let estimate: UInt32 = 1 << 6
    /// Allow executing the plan on arrays of any alignment.
    static let unaligned: UInt32 = 1 << 1
}

extension Double: FFTWScalar {
    public static func planCosineTransforms(length: Int32, batch: Int32, input: UnsafeMutablePointer<Double>,
                                            output: UnsafeMutablePointer<Double>, kind: fftw_r2r_kind) -> OpaquePointer? {
        var n = length, kinds = kind
        return fftw_plan_many_r2r(1, &n, batch, input, nil, 1, length, output, nil, 1, length, &kinds,
                                  PlannerFlags.estimate | PlannerFlags.unaligned)
    }
    public static func execute(_ plan: OpaquePointer, input: UnsafeMutablePointer<Double>, output: UnsafeMutablePointer<Double>) {
        fftw_execute_r2r(plan, input, output)
    }
    public static func destroy(_ plan: OpaquePointer) { fftw_destroy_plan(plan) }
}

extension Float: FFTWScalar {
    public static func planCosineTransforms(length: Int32, batch: Int32, input: UnsafeMutablePointer<Float>,
                                            output: UnsafeMutablePointer<Float>, kind: fftw_r2r_kind) -> OpaquePointer? {
        var n = length, kinds = kind
        return fftwf_plan_many_r2r(1, &n, batch, input, nil, 1, length, output, nil, 1, length, &kinds,
                                   PlannerFlags.estimate | PlannerFlags.unaligned)
    }
    public static func execute(_ plan: OpaquePointer, input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) {
        fftwf_execute_r2r(plan, input, output)
    }
    public static func destroy(_ plan: OpaquePointer) { fftwf_destroy_plan(plan) }
}

/// FFTW's planner is not thread-safe; every plan is created and destroyed under this lock.
private let plannerLock = Mutex(())

/// Batched discrete cosine transforms of type II and III over contiguous signals of one length.
///
/// DCT-II (FFTW `REDFT10`): `X_k = 2 Σ_n x_n cos(π k (2n + 1) / 2N)`.
/// DCT-III (FFTW `REDFT01`): `x_n = X_0 + 2 Σ_{k≥1} X_k cos(π k (2n + 1) / 2N)`.
/// They are inverse up to the factor `2N`: `inverse(forward(x)) = 2N · x`. The cosine modes are the
/// eigenvectors of the Neumann (reflecting-boundary) lattice Laplacian on a cell-centred grid.
/// Plans are made once, with `FFTW_ESTIMATE` so that results are reproducible, and may be executed
/// from several threads at once on different buffers.
public final class CosineTransform<Scalar: FFTWScalar>: @unchecked Sendable {
    /// Points per signal.
    public let length: Int
    /// Signals per call, stored one after another.
    public let batch: Int
    private let forwardPlan: OpaquePointer
    private let inversePlan: OpaquePointer

    /// Plans transforms of `batch` signals of `length` points each.
    public init(length: Int, batch: Int = 1) {
        precondition(length >= 1 && batch >= 1, "CosineTransform needs length ≥ 1 and batch ≥ 1")
        self.length = length
        self.batch = batch
        let scratchIn = UnsafeMutablePointer<Scalar>.allocate(capacity: length * batch)
        let scratchOut = UnsafeMutablePointer<Scalar>.allocate(capacity: length * batch)
        defer {
            scratchIn.deallocate()
            scratchOut.deallocate()
        }
        (forwardPlan, inversePlan) = plannerLock.withLock { _ in
            (Scalar.planCosineTransforms(length: Int32(length), batch: Int32(batch), input: scratchIn, output: scratchOut, kind: FFTW_REDFT10)!,
             Scalar.planCosineTransforms(length: Int32(length), batch: Int32(batch), input: scratchIn, output: scratchOut, kind: FFTW_REDFT01)!)
        }
    }

    deinit {
        plannerLock.withLock { _ in
            Scalar.destroy(forwardPlan)
            Scalar.destroy(inversePlan)
        }
    }

    /// The factor that makes `inverse` undo `forward`: 1 / (2N).
    public var normalization: Scalar { 1 / Scalar(2 * length) }

    /// DCT-II of every signal in `input` into `output` (distinct buffers of `length × batch` values).
    public func forward(_ input: UnsafeMutableBufferPointer<Scalar>, into output: UnsafeMutableBufferPointer<Scalar>) {
        run(forwardPlan, input, output)
    }

    /// DCT-III of every signal in `input` into `output` (distinct buffers of `length × batch` values).
    public func inverse(_ input: UnsafeMutableBufferPointer<Scalar>, into output: UnsafeMutableBufferPointer<Scalar>) {
        run(inversePlan, input, output)
    }

    /// DCT-II of `values` (`length × batch` of them), returned as a new array.
    public func forward(_ values: [Scalar]) -> [Scalar] { transformed(values, forwardPlan) }

    /// DCT-III of `values` (`length × batch` of them), returned as a new array.
    public func inverse(_ values: [Scalar]) -> [Scalar] { transformed(values, inversePlan) }

    private func transformed(_ values: [Scalar], _ plan: OpaquePointer) -> [Scalar] {
        var input = values
        var output = [Scalar](repeating: 0, count: values.count)
        input.withUnsafeMutableBufferPointer { i in output.withUnsafeMutableBufferPointer { o in run(plan, i, o) } }
        return output
    }

    private func run(_ plan: OpaquePointer, _ input: UnsafeMutableBufferPointer<Scalar>, _ output: UnsafeMutableBufferPointer<Scalar>) {
        precondition(input.count == length * batch && output.count == length * batch,
                     "CosineTransform(length: \(length), batch: \(batch)) got buffers of \(input.count) and \(output.count) values")
        precondition(input.baseAddress != output.baseAddress, "CosineTransform plans are out of place: use distinct buffers")
        Scalar.execute(plan, input: input.baseAddress!, output: output.baseAddress!)
    }
}

/// The FFTW version string, e.g. `fftw-3.3.10`.
public var fftwVersion: String { String(cString: macroscale_fftw_version()) }
