import ArgumentParser
import Distributed
import Foundation

/// A command whose work every rank shares under `mpirun` — the sharded stages (simulate, upsample,
/// evolve, encode, check-estimator, rollout, evaluate), data-parallel `train-sde` and `run`. Any other command runs on rank 0 alone while the others
/// wait (Docs/DISTRIBUTED.md).
protocol CollectiveCommand: ParsableCommand {}

extension Macroscale {
    /// The entry point. A process not started by `mpirun` runs the command line as ArgumentParser's `main` does.
    /// Under `mpirun` every rank parses it and runs the command (`runAsRank`); rank 0 alone prints
    /// (the others' standard output is discarded). A failure on any rank is written by the lowest
    /// failing rank, which then stops every rank (`MPI_Abort`).
    public static func main() {
        let world = Communicator.world
        guard world.joined else { return main(nil) }
        if !world.isRoot { discardStandardOutput() }
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            if exitCode(for: error) == .success {
                // --version, on every rank alike: rank 0 prints it.
                world.finalize()
                if world.isRoot { exit(withError: error) }
                Foundation.exit(0)
            }
            // A usage error stops the run; where every rank has it (the same arguments), rank 0's message alone is written.
            if !world.isRoot { Thread.sleep(forTimeInterval: 5) }
            let text = fullMessage(for: error)
            world.abort("Error: rank \(world.rank) of \(world.size): \(text.hasPrefix("Error: ") ? String(text.dropFirst(7)) : text)")
        }
        do {
            try runAsRank(&command, of: world)
        } catch where exitCode(for: error) == .success {
            // A clean exit (--help) on every rank alike, its message already printed by rank 0.
        } catch let failure as RankFailure {
            // Rank `failure.rank` is writing its message and stopping the run; a rank that is not stopped stops it.
            Thread.sleep(forTimeInterval: 60)
            world.abort("Error: rank \(world.rank) of \(world.size): rank \(failure.rank) failed and did not stop the run: \(failure.message)")
        } catch {
            world.abort("Error: rank \(world.rank) of \(world.size): \(message(for: error))")
        }
        world.finalize()
    }

    /// Runs `command` as one rank of `world`: a collective command on every rank (its collective
    /// steps agree on failures), any other on rank 0 alone, its failure thrown on every rank. A
    /// clean exit on rank 0 (ArgumentParser's help command), its message printed there, is
    /// `ExitCode.success` thrown on every rank.
    static func runAsRank(_ command: inout ParsableCommand, of world: Communicator) throws {
        if command is CollectiveCommand {
            try command.run()
            return
        }
        let cleanExit = try world.fromRoot { () -> Bool in
            do {
                try command.run()
                return false
            } catch where exitCode(for: error) == .success {
                print(fullMessage(for: error))
                return true
            }
        }
        if cleanExit { throw ExitCode.success }
    }

    /// Sends this process's standard output to /dev/null.
    private static func discardStandardOutput() {
        let null = open("/dev/null", O_WRONLY)
        guard null >= 0 else { return }
        dup2(null, STDOUT_FILENO)
        close(null)
    }
}
