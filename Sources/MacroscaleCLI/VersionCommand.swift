import ArgumentParser
import Artifacts
import Linalg
import Random
import Spectral

enum ToolVersionString {
    static var value: String { ToolVersion.description }
}

/// `macroscale version`: the tool's version and the native libraries it runs on.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the version, git commit and the native libraries in use.")

    func run() throws {
        print(Version.report())
    }

    static func report() -> String {
        """
        macroscale \(ToolVersion.description)
        FFTW:     \(fftwVersion)
        GSL:      \(gslVersion) (random streams: \(RandomStream(seed: 0, stage: "version").generatorName))
        BLAS:     \(BLASLibrary.configuration) (kernels: \(BLASKernelChoice.detectedCore))
        sgemm in: \(BLASLibrary.sgemmProvider ?? "not loaded")
        """
    }
}
