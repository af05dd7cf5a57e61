import Artifacts
import Foundation
import Random
import Systems

/// libFuzzer's driver, run from our own `main` (SwiftPM names an executable's entry point itself).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// The fuzzer executable: libFuzzer's command line (`-runs=`, `-max_total_time=`, corpus directories).
@main
enum ReadersFuzzer {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
    }
}

/// One libFuzzer input: the first byte picks the reader, the rest is the file's bytes.
///
/// 0: `.npy`, 1: `.npz`, 2: safetensors — every decoded array is read in full; 3: a `.npy` of
/// configurations handed to each system's boundary check and, when it passes, to the samplers
/// (n-fold Glauber with both boundaries, Curie–Weiss Glauber, one predator–prey step). Every input
/// must return: an `ArtifactError` is a correct answer, a trap or a sanitizer report is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let data = Data(bytes: start + 1, count: count - 1)
    switch start[0] % 4 {
    case 0: readAll((try? NPYFile.decode(data, source: "fuzz.npy")).map { [$0] })
    case 1: readAll((try? NPZArchive.decode(data, source: "fuzz.npz"))?.entries.map(\.array))
    case 2: readAll((try? SafeTensors.decode(data, source: "fuzz.safetensors"))?.entries.map(\.array))
    default: if let array = try? NPYFile.decode(data, source: "fuzz.npy") { evolve(array) }
    }
    return 0
}

/// The sum of every element read, kept so that the reads cannot be optimised away.
nonisolated(unsafe) var elementSum = 0.0

/// Reads every element of every array, as `inspect` does.
func readAll(_ arrays: [NumPyArray]?) {
    for array in arrays ?? [] { elementSum += array.doubleValues().reduce(0, +) }
}

/// Configurations `[count, L, L]` (int8) or `[count, 2, n]` (float32), small enough to evolve quickly.
func evolve(_ array: NumPyArray) {
    let random = RandomStream(seed: 1, stage: "fuzz")
    if array.dtype == .int8, array.shape.count == 3, array.shape[1] == array.shape[2], (2...16).contains(array.shape[1]) {
        let size = array.shape[1]
        let ising = IsingModel(size: size, temperature: 2.5, field: 0.1)
        let curieWeiss = CurieWeissModel(size: size, temperature: 1.1, field: 0.1)
        let window = [size / 2, size / 2]
        for boundary in RegionBoundary.allCases where boundary != .roaming {
            if var grid = try? ising.configurations(from: array, spatialShape: [size, size], source: "fuzz.npy").first {
                _ = ising.evolveRegion(&grid, origin: [1, 1], size: window, for: .steps(4 * size), boundary: boundary, random: random)
                precondition(grid.values.allSatisfy(IsingModel.isValidSite), "the n-fold sampler wrote a spin other than ±1")
            }
            if var grid = try? curieWeiss.configurations(from: array, spatialShape: [size, size], source: "fuzz.npy").first {
                _ = curieWeiss.evolveRegion(&grid, origin: [1, 1], size: window, for: .time(0.5), boundary: boundary, random: random)
                precondition(grid.values.allSatisfy(CurieWeissModel.isValidSite), "the Curie–Weiss sampler wrote a spin other than ±1")
            }
        }
    } else if array.dtype == .float32, array.shape.count == 3, array.shape[1] == 2, (2...64).contains(array.shape[2]) {
        let points = array.shape[2]
        let model = PredatorPreyModel(points: points)
        if var grid = try? model.configurations(from: array, spatialShape: [points], source: "fuzz.npy").first {
            _ = model.evolveRegion(&grid, origin: [0], size: [points / 2], for: .steps(2), boundary: .frozenHalo, random: random)
        }
    }
}
