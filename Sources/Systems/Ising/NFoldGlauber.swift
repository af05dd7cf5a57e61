import Random

/// Rejection-free continuous-time Glauber dynamics of the 2D Ising model (the n-fold way of
/// Bortz, Kalos and Lebowitz).
///
/// Every spin belongs to one of 10 rate classes by (its value, the sum of its four neighbours).
/// An event picks a class with probability ∝ (members × class rate), a uniform member of it, flips
/// that spin, and moves it and its four neighbours to their new classes — O(1) work per event —
/// then advances time by an exponential waiting time with the total rate.
final class NFoldGlauber {
    static let classCount = 10

    let size: Int
    private(set) var spins: [Int8]
    /// Glauber time elapsed.
    private(set) var time = 0.0
    /// Flip rate of each class.
    let classRates: [Double]

    /// Class of each site; position of each site within its class's member list.
    private var classOf: [Int]
    private var position: [Int]
    /// Member lists, class c occupying `members[c * N ..< c * N + counts[c]]`.
    private var members: [Int]
    private(set) var counts: [Int]

    /// Class index of a spin `s` with neighbour sum `n` ∈ {−4, −2, 0, 2, 4}: 0–4 for s = −1, 5–9 for s = +1.
    @inline(__always)
    static func classIndex(spin: Int8, neighbourSum: Int) -> Int {
        (spin > 0 ? 5 : 0) + (neighbourSum + 4) / 2
    }

    init(model: IsingModel, spins: [Int8]) {
        let size = model.size, n = size * size
        precondition(spins.count == n)
        self.size = size
        self.spins = spins
        classRates = (0..<NFoldGlauber.classCount).map { c in
            let spin = c >= 5 ? 1 : -1
            let neighbourSum = 2 * (c % 5) - 4
            return glauberRate(beta: model.beta, energyChange: model.flipEnergyChange(spin: spin, neighbourSum: neighbourSum))
        }
        classOf = [Int](repeating: 0, count: n)
        position = [Int](repeating: 0, count: n)
        members = [Int](repeating: 0, count: NFoldGlauber.classCount * n)
        counts = [Int](repeating: 0, count: NFoldGlauber.classCount)
        for site in 0..<n {
            let c = NFoldGlauber.classIndex(spin: spins[site], neighbourSum: neighbourSum(site))
            classOf[site] = c
            position[site] = counts[c]
            members[c * n + counts[c]] = site
            counts[c] += 1
        }
    }

    @inline(__always)
    private func neighbours(_ site: Int) -> (Int, Int, Int, Int) {
        let x = site % size, rowStart = site - x
        let left = x == 0 ? site + size - 1 : site - 1
        let right = x == size - 1 ? rowStart : site + 1
        let n = size * size
        let up = site >= size ? site - size : site + n - size
        let down = site + size < n ? site + size : site + size - n
        return (left, right, up, down)
    }

    @inline(__always)
    private func neighbourSum(_ site: Int) -> Int {
        let (a, b, c, d) = neighbours(site)
        return Int(spins[a]) + Int(spins[b]) + Int(spins[c]) + Int(spins[d])
    }

    /// Total flip rate of the configuration.
    var totalRate: Double {
        var total = 0.0
        for c in 0..<NFoldGlauber.classCount { total += Double(counts[c]) * classRates[c] }
        return total
    }

    /// The class an event falls in for a uniform draw `u` ∈ [0, 1).
    func selectClass(uniform u: Double, total: Double) -> Int {
        var remaining = u * total
        var last = 0
        for c in 0..<NFoldGlauber.classCount where counts[c] > 0 {
            let weight = Double(counts[c]) * classRates[c]
            if remaining < weight { return c }
            remaining -= weight
            last = c
        }
        return last // rounding put u·total at the very top: the last occupied class
    }

    /// Performs `events` flips.
    func run(events: Int, random: RandomStream) {
        let n = size * size
        for _ in 0..<events {
            let total = totalRate
            let c = selectClass(uniform: random.uniform(), total: total)
            let site = members[c * n + random.uniformInt(counts[c])]
            spins[site] = -spins[site]
            let (a, b, d, e) = neighbours(site)
            reclassify(site, n: n)
            reclassify(a, n: n)
            reclassify(b, n: n)
            reclassify(d, n: n)
            reclassify(e, n: n)
            time += random.exponential(mean: 1 / total)
        }
    }

    /// Moves `site` to the class its current spin and neighbourhood put it in.
    @inline(__always)
    private func reclassify(_ site: Int, n: Int) {
        let new = NFoldGlauber.classIndex(spin: spins[site], neighbourSum: neighbourSum(site))
        let old = classOf[site]
        guard new != old else { return }
        // Remove from the old list by moving its last member into the hole.
        let last = members[old * n + counts[old] - 1]
        members[old * n + position[site]] = last
        position[last] = position[site]
        counts[old] -= 1
        // Append to the new list.
        members[new * n + counts[new]] = site
        position[site] = counts[new]
        counts[new] += 1
        classOf[site] = new
    }
}
