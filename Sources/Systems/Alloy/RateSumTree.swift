/// A complete binary tree of sums over non-negative rates: O(log n) updates and O(log n) selection of
/// a channel with probability proportional to its rate.
///
/// Every inner node holds the sum of its two children, recomputed from them on each update, so the
/// total carries no drift from accumulated differences (a Fenwick tree updated by differences would).
struct RateSumTree {
    /// Leaves (a power of two, at least eight).
    private let leafCount: Int
    /// Node i has children 2i and 2i + 1; leaf c is node leafCount + c; node 0 is unused.
    private var nodes: [Double]

    /// A tree over `count` channels, all with rate 0.
    init(count: Int) {
        var leaves = 8
        while leaves < count { leaves *= 2 }
        leafCount = leaves
        nodes = [Double](repeating: 0, count: 2 * leaves)
    }

    /// The sum of all rates.
    var total: Double { nodes[1] }

    /// Sets the rates of the eight channels 8g … 8g + 7 (one vacancy's hops) and the sums above them:
    /// they fill an aligned subtree of three levels, so its sums are computed once for all eight.
    mutating func set(group: Int, rates: SIMD8<Double>) {
        precondition(leafCount >= 8, "groups of eight channels need at least eight leaves")
        let first = leafCount + 8 * group
        for d in 0..<8 { nodes[first + d] = rates[d] }
        var node = first / 2, count = 4
        while node >= 1 {
            for i in node..<(node + count) { nodes[i] = nodes[2 * i] + nodes[2 * i + 1] }
            node /= 2
            count = max(count / 2, 1)
        }
    }

    /// The rates of the eight channels 8g … 8g + 7.
    func rates(ofGroup group: Int) -> SIMD8<Double> {
        let first = leafCount + 8 * group
        var rates = SIMD8<Double>()
        for d in 0..<8 { rates[d] = nodes[first + d] }
        return rates
    }

    /// The channel whose interval of the cumulative rates contains `target` ∈ [0, total); never a
    /// channel of rate 0 while the total is positive (rounding cannot steer into an empty subtree).
    func channel(at target: Double) -> Int {
        var node = 1, remaining = target
        while node < leafCount {
            let left = nodes[2 * node], right = nodes[2 * node + 1]
            if (remaining < left && left > 0) || right == 0 {
                node = 2 * node
            } else {
                remaining -= left
                node = 2 * node + 1
            }
        }
        return node - leafCount
    }
}
