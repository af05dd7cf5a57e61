import Random
import Synchronization

/// Rejection-free continuous-time Glauber dynamics of the 2D Ising model (the n-fold way of
/// Bortz, Kalos and Lebowitz).
///
/// Every spin belongs to one of 10 rate classes by (its value, the sum of its four neighbours).
/// An event picks a class with probability ∝ (members × class rate), a uniform member of it, flips
/// that spin, and moves it and its four neighbours to their new classes — O(1) work per event —
/// then advances time by an exponential waiting time with the total rate.
///
/// The sampler runs on any set of *active* sites of a local lattice given by a neighbour table:
/// the whole periodic lattice, a window simulated as its own periodic lattice, or a window inside a
/// frozen halo (halo sites are inactive: they count in neighbour sums but never flip).
///
/// The event loop works on raw buffers owned by this object: it runs tens of millions of times a
/// second, and Swift arrays inside a class would pay for bounds, uniqueness and exclusivity checks.
final class NFoldGlauber: GlauberSampler {
    static let classCount = 10

    let siteCount: Int
    /// Glauber time elapsed.
    private(set) var time = 0.0
    /// Flip rate of each class.
    let classRates: [Double]

    private let spinBuffer: UnsafeMutablePointer<Int8>
    /// The four neighbours of each site (left, right, up, down), 4 entries per site.
    private let neighbourTable: UnsafeMutablePointer<Int32>
    /// Whether each site may flip.
    private let active: UnsafeMutablePointer<Bool>
    /// Rate class of each active site, kept up to date as spins flip: a flip moves the site itself
    /// by ±5 (its spin changes) and each neighbour by the new spin (its neighbour sum changes by twice that).
    private let siteClass: UnsafeMutablePointer<Int8>
    /// Position of each site within its class's member list.
    private let position: UnsafeMutablePointer<Int32>
    /// Member lists, class c occupying `members[c * N ..< c * N + count[c]]`.
    private let members: UnsafeMutablePointer<Int32>
    private let occupation: UnsafeMutablePointer<Int>
    private let rates: UnsafeMutablePointer<Double>
    private let inverseRates: UnsafeMutablePointer<Double>

    /// Class index of a spin `s` with neighbour sum `n` ∈ {−4, −2, 0, 2, 4}: 0–4 for s = −1, 5–9 for s = +1.
    @inline(__always)
    static func classIndex(spin: Int8, neighbourSum: Int) -> Int {
        (spin > 0 ? 5 : 0) &+ (neighbourSum &+ 4) >> 1
    }

    /// The Glauber flip rate of each class (`classIndex`) of `model`.
    static func classRates(of model: IsingModel) -> [Double] {
        (0..<classCount).map { c in
            let spin = c >= 5 ? 1 : -1
            let neighbourSum = 2 * (c % 5) - 4
            return glauberRate(beta: model.beta, energyChange: model.flipEnergyChange(spin: spin, neighbourSum: neighbourSum))
        }
    }

    /// A sampler for the sites marked `active` of a local lattice with the given neighbour table
    /// (4 entries per site; entries of inactive sites are never read).
    init(model: IsingModel, spins: [Int8], neighbours: [Int32], active activeSites: [Bool]) {
        let n = spins.count
        precondition(neighbours.count == 4 * n && activeSites.count == n)
        // Spins index the class tables: anything but ±1 would address memory outside them. Files
        // are checked where they become configurations (`configurations(from:spatialShape:source:)`).
        precondition(spins.allSatisfy(IsingModel.isValidSite), "the n-fold sampler needs spins of ±1")
        siteCount = n
        classRates = NFoldGlauber.classRates(of: model)
        spinBuffer = .allocate(capacity: n)
        spinBuffer.initialize(from: spins, count: n)
        neighbourTable = .allocate(capacity: 4 * n)
        neighbourTable.initialize(from: neighbours, count: 4 * n)
        active = .allocate(capacity: n)
        active.initialize(from: activeSites, count: n)
        siteClass = .allocate(capacity: n)
        position = .allocate(capacity: n)
        members = .allocate(capacity: NFoldGlauber.classCount * n)
        occupation = .allocate(capacity: NFoldGlauber.classCount)
        occupation.initialize(repeating: 0, count: NFoldGlauber.classCount)
        rates = .allocate(capacity: NFoldGlauber.classCount)
        rates.initialize(from: classRates, count: NFoldGlauber.classCount)
        inverseRates = .allocate(capacity: NFoldGlauber.classCount)
        inverseRates.initialize(from: classRates.map { 1 / $0 }, count: NFoldGlauber.classCount)
        for site in 0..<n where activeSites[site] {
            let sum = (0..<4).reduce(0) { $0 + Int(spins[Int(neighbours[4 * site + $1])]) }
            let c = NFoldGlauber.classIndex(spin: spinBuffer[site], neighbourSum: sum)
            siteClass[site] = Int8(c)
            position[site] = Int32(occupation[c])
            members[c * n + occupation[c]] = Int32(site)
            occupation[c] += 1
        }
    }

    /// A sampler for a whole periodic lattice of `rows` × `columns` sites.
    convenience init(model: IsingModel, spins: [Int8], rows: Int, columns: Int) {
        self.init(model: model, spins: spins, neighbours: NFoldGlauber.periodicNeighbours(rows: rows, columns: columns),
                  active: [Bool](repeating: true, count: rows * columns))
    }

    /// Neighbour tables already built, by (rows, columns, halo): partial evolution and LocalRelax
    /// build samplers for the same window shape again and again.
    private static let tableCache = Mutex<[[Int]: (neighbours: [Int32], active: [Bool])]>([:])

    /// A cached neighbour table: periodic, or with a frozen halo.
    private static func cachedTable(rows: Int, columns: Int, halo: Bool, build: () -> (neighbours: [Int32], active: [Bool])) -> (neighbours: [Int32], active: [Bool]) {
        let key = [rows, columns, halo ? 1 : 0]
        if let table = tableCache.withLock({ $0[key] }) { return table }
        let table = build()
        tableCache.withLock { $0[key] = table }
        return table
    }

    /// Neighbour table (left, right, up, down) of a periodic `rows` × `columns` lattice.
    static func periodicNeighbours(rows: Int, columns: Int) -> [Int32] {
        cachedTable(rows: rows, columns: columns, halo: false) {
            (buildPeriodicNeighbours(rows: rows, columns: columns), [Bool](repeating: true, count: rows * columns))
        }.neighbours
    }

    private static func buildPeriodicNeighbours(rows: Int, columns: Int) -> [Int32] {
        var table = [Int32](repeating: 0, count: 4 * rows * columns)
        for y in 0..<rows {
            for x in 0..<columns {
                let site = y * columns + x
                table[4 * site] = Int32(y * columns + (x + columns - 1) % columns)
                table[4 * site + 1] = Int32(y * columns + (x + 1) % columns)
                table[4 * site + 2] = Int32(((y + rows - 1) % rows) * columns + x)
                table[4 * site + 3] = Int32(((y + 1) % rows) * columns + x)
            }
        }
        return table
    }

    /// Neighbour table of a (rows + 2) × (columns + 2) lattice whose border is a frozen halo: interior
    /// sites point at their four neighbours; border entries are unused.
    static func haloNeighbours(rows: Int, columns: Int) -> (neighbours: [Int32], active: [Bool]) {
        cachedTable(rows: rows, columns: columns, halo: true) { buildHaloNeighbours(rows: rows, columns: columns) }
    }

    private static func buildHaloNeighbours(rows: Int, columns: Int) -> (neighbours: [Int32], active: [Bool]) {
        let width = columns + 2, height = rows + 2
        var table = [Int32](repeating: 0, count: 4 * width * height)
        var active = [Bool](repeating: false, count: width * height)
        for y in 1...rows {
            for x in 1...columns {
                let site = y * width + x
                table[4 * site] = Int32(site - 1)
                table[4 * site + 1] = Int32(site + 1)
                table[4 * site + 2] = Int32(site - width)
                table[4 * site + 3] = Int32(site + width)
                active[site] = true
            }
        }
        return (table, active)
    }

    deinit {
        spinBuffer.deallocate()
        neighbourTable.deallocate()
        active.deallocate()
        siteClass.deallocate()
        position.deallocate()
        members.deallocate()
        occupation.deallocate()
        rates.deallocate()
        inverseRates.deallocate()
    }

    /// The current spins.
    var spins: [Int8] { Array(UnsafeBufferPointer(start: spinBuffer, count: siteCount)) }

    /// Members of each class.
    var counts: [Int] { Array(UnsafeBufferPointer(start: occupation, count: NFoldGlauber.classCount)) }

    /// Total flip rate of the configuration.
    var totalRate: Double {
        var total = 0.0
        for c in 0..<NFoldGlauber.classCount { total += Double(occupation[c]) * rates[c] }
        return total
    }

    /// The class and member an event falls on for a uniform draw `u` ∈ [0, 1), and the total rate.
    ///
    /// `u · total` lands in class c's interval of width (members × rate); where it lands inside
    /// that interval, divided by the class rate, is uniform over the members. One draw thus picks
    /// both, with probability rate / total for every individual spin. The cumulative weights are
    /// summed in two independent chains, the spin-down classes and the spin-up classes, the second
    /// shifted by the first's total (half the latency of one chain of ten). The class is found
    /// without branches — by counting the cumulative weights that `u · total` has
    /// passed — because which class comes up is random and a branch per class would be mispredicted.
    @inline(__always)
    func select(uniform u: Double) -> (class: Int, member: Int, total: Double) {
        @inline(__always) func weight(_ c: Int) -> Double { Double(occupation[c]) * rates[c] }
        let down0 = weight(0), down1 = down0 + weight(1), down2 = down1 + weight(2), down3 = down2 + weight(3)
        let down4 = down3 + weight(4)
        let up5 = weight(5), up6 = up5 + weight(6), up7 = up6 + weight(7), up8 = up7 + weight(8), up9 = up8 + weight(9)
        var cumulative = (down0, down1, down2, down3, down4, down4 + up5, down4 + up6, down4 + up7, down4 + up8, down4 + up9)
        let total = cumulative.9
        let target = u * total
        // 1 if `sum` ≤ target: the sign bit of target − sum, in arithmetic (a comparison here
        // would be compiled into a branch).
        @inline(__always) func passes(_ sum: Double) -> Int { 1 &- Int(truncatingIfNeeded: (target - sum).bitPattern >> 63) }
        let passed = passes(cumulative.0) &+ passes(cumulative.1) &+ passes(cumulative.2) &+ passes(cumulative.3)
            &+ passes(cumulative.4) &+ passes(cumulative.5) &+ passes(cumulative.6) &+ passes(cumulative.7)
            &+ passes(cumulative.8) &+ passes(cumulative.9)
        if passed == NFoldGlauber.classCount {
            // Rounding put u·total at the very top: take the last occupied class.
            var c = NFoldGlauber.classCount - 1
            while occupation[c] == 0 { c -= 1 }
            return (c, occupation[c] - 1, total)
        }
        let before = passed == 0 ? 0 : withUnsafeBytes(of: &cumulative) { $0.load(fromByteOffset: (passed &- 1) &* 8, as: Double.self) }
        let member = Int((target - before) * inverseRates[passed])
        return (passed, min(member, occupation[passed] - 1), total)
    }

    /// Flips until `maxEvents` events have happened or the next one would come after `end`
    /// (then the clock stops at `end`): each event first draws its waiting time, then its spin.
    func advance(maxEvents: Int, until end: Double, random: RandomStream) {
        let n = siteCount
        var elapsed = time
        var events = 0
        while events < maxEvents {
            let (c, member, total) = select(uniform: random.uniform())
            let wait = random.waitingTime(rate: total)
            if elapsed + wait > end {
                elapsed = end
                break
            }
            elapsed += wait
            events += 1
            let site = Int(truncatingIfNeeded: members[c &* n &+ member])
            let spin = 0 &- spinBuffer[site]
            spinBuffer[site] = spin
            move(site, from: c, to: c &+ 5 &* Int(spin), n: n)
            // Each neighbour's neighbour sum changes by 2 × the new spin, so its class by the new spin.
            let base = neighbourTable + 4 &* site
            for k in 0..<4 {
                let neighbour = Int(truncatingIfNeeded: base[k])
                guard active[neighbour] else { continue }
                let old = Int(siteClass[neighbour])
                move(neighbour, from: old, to: old &+ Int(spin), n: n)
            }
        }
        time = elapsed
    }

    /// Moves `site` from class `old` to class `new` (which always differ: a flip changes the
    /// spin of the site itself and the neighbour sum of each neighbour).
    @inline(__always)
    private func move(_ site: Int, from old: Int, to new: Int, n: Int) {
        // Remove from the old list by moving its last member into the hole.
        occupation[old] &-= 1
        let last = members[old &* n &+ occupation[old]]
        members[old &* n &+ Int(truncatingIfNeeded: position[site])] = last
        position[Int(truncatingIfNeeded: last)] = position[site]
        // Append to the new list.
        members[new &* n &+ occupation[new]] = Int32(truncatingIfNeeded: site)
        position[site] = Int32(truncatingIfNeeded: occupation[new])
        occupation[new] &+= 1
        siteClass[site] = Int8(truncatingIfNeeded: new)
    }
}
