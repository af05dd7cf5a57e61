import ArgumentParser
import Artifacts
import Foundation

/// `macroscale inspect`: what an artifact holds, and whether a stage directory is intact.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a .npy, .npz or .safetensors file, or a stage directory with its manifest.",
        discussion: """
            For every array: shape, dtype, minimum, maximum, mean and the number of NaN and infinite \
            values. For a stage directory: the manifest summary, a checksum check of every output, \
            then each array file in it. Exits non-zero if an output is missing or changed.
            """)

    @Argument(help: "A .npy, .npz or .safetensors file, or a stage output directory.")
    var path: String

    func run() throws {
        let report = try ArtifactReport.describe(URL(fileURLWithPath: path))
        print(report.text, terminator: "")
        if !report.intact { throw ExitCode(1) }
    }
}
