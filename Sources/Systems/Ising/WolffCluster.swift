import Foundation
import Random

/// Wolff cluster updates of the zero-field 2D Ising model (U. Wolff, Phys. Rev. Lett. 62, 361 (1989)).
///
/// An update draws a uniform seed spin, grows a cluster from it by adding each like neighbour of a
/// cluster spin with probability p = 1 − e^{−2β}, and flips the whole cluster. Every update
/// satisfies detailed balance with respect to the Boltzmann distribution at h = 0 and decorrelates
/// near T_c in a few sweeps where local dynamics need ~L² of them. The moves are not a physical
/// dynamics: the sampler serves equilibrium statistics only.
public final class WolffCluster {
    /// Linear size L of the periodic L × L lattice.
    public let size: Int
    /// Probability 1 − e^{−2β} of adding a like neighbour to the cluster.
    public let bondProbability: Double
    /// Sites waiting to have their neighbours examined, reused between updates.
    private var frontier: [Int] = []

    /// A sampler for `model`, which must have valid parameters and zero field.
    public init(model: IsingModel) throws {
        try model.validateParameters()
        guard model.field == 0 else {
            throw ConfigurationError("Wolff cluster updates sample the zero-field model; got field \(model.field)")
        }
        size = model.size
        bondProbability = -expm1(-2 * model.beta)
        frontier.reserveCapacity(model.size * model.size)
    }

    /// Grows one cluster from a uniformly drawn seed site and flips it; returns its size.
    @discardableResult
    public func flipCluster(_ spins: inout [Int8], random: RandomStream) -> Int {
        precondition(spins.count == size * size, "WolffCluster: \(spins.count) spins for an L = \(size) lattice")
        let (size, sites, probability) = (self.size, self.size * self.size, bondProbability)
        let seed = random.uniformInt(sites)
        var frontier = self.frontier
        frontier.removeAll(keepingCapacity: true)
        var clusterSize = 1
        spins.withUnsafeMutableBufferPointer { spins in
            let clusterSpin = spins[seed]
            // A spin joins the cluster by being flipped, so no site is added twice.
            spins[seed] = -clusterSpin
            frontier.append(seed)
            func visit(_ neighbour: Int) {
                guard spins[neighbour] == clusterSpin, random.uniform() < probability else { return }
                spins[neighbour] = -clusterSpin
                frontier.append(neighbour)
                clusterSize += 1
            }
            while let site = frontier.popLast() {
                let y = site / size, x = site - y * size, row = y * size
                visit(row + (x == 0 ? size - 1 : x - 1))
                visit(row + (x == size - 1 ? 0 : x + 1))
                visit((y == 0 ? sites - size : row - size) + x)
                visit((y == size - 1 ? 0 : row + size) + x)
            }
        }
        self.frontier = frontier
        return clusterSize
    }

    /// Clusters flipped until they add up to at least L² spins, for burn-in only: the stopping
    /// rule depends on the clusters, so the state it stops in is not a Boltzmann sample. Returns the
    /// number of clusters, whose mean over the burn-in sets the fixed count of `sweep(_:clusters:random:)`.
    @discardableResult
    public func burnInSweep(_ spins: inout [Int8], random: RandomStream) -> Int {
        var flipped = 0, clusters = 0
        while flipped < size * size {
            flipped += flipCluster(&spins, random: random)
            clusters += 1
        }
        return clusters
    }

    /// A fixed number of cluster updates: the Boltzmann distribution is stationary under it.
    public func sweep(_ spins: inout [Int8], clusters: Int, random: RandomStream) {
        for _ in 0..<clusters { flipCluster(&spins, random: random) }
    }
}
