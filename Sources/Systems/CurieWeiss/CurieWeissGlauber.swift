import Random

/// Rejection-free continuous-time Glauber dynamics of the Curie–Weiss model.
///
/// All up spins share one flip rate and all down spins another, so an event picks the class by
/// its total rate and then a uniform member of it: O(1) per event, with the sites of each class
/// kept in a list so that the flipped spin's position on the array is known.
final class CurieWeissGlauber {
    private let model: CurieWeissModel
    private(set) var spins: [Int8]
    /// Glauber time elapsed.
    private(set) var time = 0.0
    /// Σ s_i.
    private(set) var magnetization: Int
    /// Sites of the down spins (class 0) and up spins (class 1), with each site's position in its list.
    private var sites: [[Int]] = [[], []]
    private var position: [Int]

    init(model: CurieWeissModel, spins: [Int8]) {
        self.model = model
        self.spins = spins
        position = [Int](repeating: 0, count: spins.count)
        magnetization = spins.reduce(0) { $0 + Int($1) }
        for (site, spin) in spins.enumerated() {
            let c = spin > 0 ? 1 : 0
            position[site] = sites[c].count
            sites[c].append(site)
        }
    }

    /// Flip rates of a down spin and of an up spin in the current state.
    var classRates: (down: Double, up: Double) {
        let n = spins.count
        return (glauberRate(beta: model.beta, energyChange: model.flipEnergyChange(spin: -1, totalMagnetization: magnetization, spins: n)),
                glauberRate(beta: model.beta, energyChange: model.flipEnergyChange(spin: 1, totalMagnetization: magnetization, spins: n)))
    }

    /// Performs `events` flips.
    func run(events: Int, random: RandomStream) {
        for _ in 0..<events {
            let rates = classRates
            let downTotal = Double(sites[0].count) * rates.down
            let total = downTotal + Double(sites[1].count) * rates.up
            let c = random.uniform() * total < downTotal ? 0 : 1
            let site = sites[c][random.uniformInt(sites[c].count)]
            // Move the site to the other class's list.
            let last = sites[c].removeLast()
            if last != site {
                sites[c][position[site]] = last
                position[last] = position[site]
            }
            position[site] = sites[1 - c].count
            sites[1 - c].append(site)
            spins[site] = -spins[site]
            magnetization += 2 * Int(spins[site])
            time += random.exponential(mean: 1 / total)
        }
    }
}
