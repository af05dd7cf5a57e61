import ArgumentParser
import Artifacts
import Dispatch
import Execution
import Foundation
import Random
import Systems

/// `macroscale bench`: throughput benchmarks that print numbers (build with `-c release`).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput of the simulators (and, later, of learning).",
        subcommands: [BenchSimulate.self, BenchLearn.self])
}

struct BenchSimulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Glauber events/s (Ising 64², Curie–Weiss 64²), heat-bath updates/s, SPDE steps/s (50 × 200 points), alloy KMC hops/s (1,024 sites, one vacancy).",
        discussion: "Single-threaded per measurement, so the numbers are per core. Build with -c release.")

    @Option(help: "Approximate seconds per measurement.")
    var seconds = 2.0

    @Option(help: "Run only the measurements whose label contains this text (e.g. 'Ising', 'spectral', 'alloy').")
    var only: String?

    @Option(help: "NNK weights (.npz) for the alloy measurement; random weights in the same layout if not given.")
    var nnkWeights: String?

    func run() throws {
        let ising = IsingModel(size: 64, temperature: 2.5, field: 0.1)
        print(measure("Ising 64² Glauber (n-fold way)", unit: "events/s") { steps in
            runSteps(ising, steps: steps) * 4096
        })
        var heatBath = ising
        heatBath.dynamics = .heatBath
        print(measure("Ising 64² heat bath", unit: "spin updates/s") { steps in
            runSteps(heatBath, steps: steps) * 4096
        })
        let curieWeiss = CurieWeissModel(size: 64, temperature: 1.1, field: 0.1)
        print(measure("Curie–Weiss 64² Glauber", unit: "events/s") { steps in
            runSteps(curieWeiss, steps: steps) * 4096
        })
        for scheme in PredatorPreyModel.Scheme.allCases {
            var model = PredatorPreyModel(points: 200)
            model.scheme = scheme
            print(measure("predator–prey \(scheme.rawValue), batch 50 × 200 points", unit: "batch steps/s") { steps in
                for run in 0..<50 { _ = runSteps(model, steps: steps, run: run) }
                return steps
            })
        }
        // 8³ cells: 1,024 sites, 1,023 atoms and one vacancy; one step is 1,024 hops.
        let pairAlloy = AlloyModel(cells: 8, temperature: 2000)
        print(measure("alloy 8³ cells, pair barriers", unit: "hops/s") { steps in
            runSteps(pairAlloy, steps: steps) * 1024
        })
        // 32³ cells: 65,536 sites and 64 vacancies (the same concentration); one step is 65,536 hops.
        let largeAlloy = AlloyModel(cells: 32, temperature: 2000, vacancies: 64)
        print(measure("alloy 32³ cells, 64 vacancies, pair barriers", unit: "hops/s") { steps in
            runSteps(largeAlloy, steps: steps) * 65_536
        })
        let barriers = try nnkWeights.map(AlloyBarriers.nnk(contentsOf:)) ?? .nnk(randomNetwork(), path: "random weights", sha256: "none")
        let nnkAlloy = AlloyModel(cells: 8, temperature: 2000, barriers: barriers)
        print(measure("alloy 8³ cells, NNK barriers (\(nnkWeights == nil ? "random" : "given") weights)", unit: "hops/s") { steps in
            runSteps(nnkAlloy, steps: steps) * 1024
        })
    }

    /// An NNK network in the reference layout with weights drawn at random (scaled so that
    /// activations stay of order one): the cost of a barrier does not depend on the values.
    private func randomNetwork() throws -> NNKBarrierModel {
        let random = RandomStream(seed: 1, stage: "bench-nnk")
        func array(_ shape: [Int], _ draw: () -> Double) throws -> NumPyArray {
            try NumPyArray((0..<shape.reduce(1, *)).map { _ in Float(draw()) }, shape: shape)
        }
        var entries: [(name: String, array: NumPyArray)] = []
        for layer in 0..<4 {
            let inputs = layer == 0 ? NNKEnvironment.inputCount : NNKBarrierModel.width, width = NNKBarrierModel.width
            entries += [
                ("hidden\(layer).weight", try array([inputs, width]) { random.gaussian(sigma: 1 / Double(width).squareRoot()) }),
                ("hidden\(layer).bias", try array([width]) { random.gaussian(sigma: 0.1) }),
                ("hidden\(layer).bn_gamma", try array([width]) { 1 }),
                ("hidden\(layer).bn_beta", try array([width]) { 0 }),
                ("hidden\(layer).bn_running_mean", try array([width]) { 0 }),
                ("hidden\(layer).bn_running_var", try array([width]) { 1 }),
            ]
        }
        entries += [("output.weight", try array([NNKBarrierModel.width, 1]) { random.gaussian(sigma: 0.1) }),
                    ("output.bias", try array([1]) { 0.8 })]
        return try NNKBarrierModel(archive: NPZArchive(entries), source: "random weights")
    }

    /// Simulates `steps` steps of one trajectory; returns the number of steps.
    private func runSteps<System: MicroscopicSystem>(_ system: System, steps: Int, run: Int = 0) -> Int {
        let random = RandomStream(seed: 1, stage: "bench", index: UInt64(run))
        var (configuration, _) = system.initialConfiguration(run: run, random: random)
        system.simulate(&configuration, steps: steps, random: random) { _, _, _ in }
        return steps
    }

    /// Doubles the work until one call takes `seconds`, then reports units per second.
    private func measure(_ label: String, unit: String, _ work: (Int) -> Int) -> String {
        if let only, !label.contains(only) { return "\(label): skipped" }
        var steps = 1
        while true {
            let start = DispatchTime.now().uptimeNanoseconds
            let units = work(steps)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if elapsed >= seconds || steps >= 1 << 30 {
                return "\(label.padding(toLength: 48, withPad: " ", startingAt: 0)) \(String(format: "%12.4g", Double(units) / elapsed)) \(unit)"
            }
            steps *= elapsed > 0.01 ? max(2, Int(seconds / elapsed)) : 2
        }
    }
}
