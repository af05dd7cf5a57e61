import ArgumentParser
import Foundation
import Stages

/// The evolve stage a command reads, and where its start states are if not where evolve recorded them.
struct EvolvedOptions: ParsableArguments {
    @Option(help: "Evolve stage directory.")
    var evolved: String

    @Option(help: "The stage evolve started from (default: where evolve recorded it, relative to its directory); its snapshot file must have the digest evolve recorded.")
    var snapshots: String?

    var evolvedURL: URL { URL(fileURLWithPath: evolved) }
    var snapshotsURL: URL? { snapshots.map { URL(fileURLWithPath: $0) } }

    /// Opens the evolve stage with its start states.
    func open() throws -> EvolveSource {
        try EvolveSource(directory: evolvedURL, snapshots: snapshotsURL)
    }
}
