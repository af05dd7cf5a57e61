import Random

/// Rejection-free continuous-time Glauber dynamics of the Curie–Weiss model.
///
/// All up spins share one flip rate and all down spins another, both functions of the total
/// magnetization only, so an event picks the class by its total rate and then a uniform member of
/// it: O(1) per event. The sites are kept in one permutation, down spins first, so that a flip is
/// one swap across the boundary between the two classes; the rates are tabulated for every
/// magnetization in advance.
///
/// The spins may be a block of a larger system whose other spins are frozen: `background` gives
/// their number and magnetization, which enter the mean field but never flip.
final class CurieWeissGlauber: GlauberSampler {
    let siteCount: Int
    /// Glauber time elapsed.
    private(set) var time = 0.0
    /// Number of down spins; `order[0..<downCount]` are their sites, the rest are up.
    private(set) var downCount: Int
    private var order: [Int]
    private var spinValues: [Int8]
    /// Flip rates of a down spin and of an up spin, indexed by the number of down spins.
    private let downRate: [Double]
    private let upRate: [Double]

    init(model: CurieWeissModel, spins: [Int8], background: (sites: Int, magnetization: Int)) {
        let n = spins.count
        precondition(spins.allSatisfy(CurieWeissModel.isValidSite), "the Curie–Weiss sampler needs spins of ±1")
        let total = n + background.sites
        siteCount = n
        spinValues = spins
        order = spins.indices.filter { spins[$0] < 0 } + spins.indices.filter { spins[$0] > 0 }
        downCount = spins.lazy.filter { $0 < 0 }.count
        // With d of the n active spins down the magnetization is M = n − 2d + M_background.
        downRate = (0...n).map { d in
            glauberRate(beta: model.beta, energyChange: model.flipEnergyChange(
                spin: -1, totalMagnetization: n - 2 * d + background.magnetization, spins: total))
        }
        upRate = (0...n).map { d in
            glauberRate(beta: model.beta, energyChange: model.flipEnergyChange(
                spin: 1, totalMagnetization: n - 2 * d + background.magnetization, spins: total))
        }
    }

    /// The current spins.
    var spins: [Int8] { spinValues }

    /// Flips until `maxEvents` events have happened or the next one would come after `end`
    /// (then the clock stops at `end`).
    func advance(maxEvents: Int, until end: Double, random: RandomStream) {
        let n = siteCount
        var elapsed = time
        var events = 0
        while events < maxEvents {
            let down = downCount
            let downTotal = Double(down) * downRate[down]
            let total = downTotal + Double(n - down) * upRate[down]
            // One draw picks the class and, by where it lands inside the class's interval, the member.
            let target = random.uniform() * total
            let wait = random.waitingTime(rate: total)
            if elapsed + wait > end {
                elapsed = end
                break
            }
            elapsed += wait
            events += 1
            if target < downTotal || down == n { // (down == n: rounding put u·total at the very top)
                let index = min(Int(target / downRate[down]), down - 1)
                order.swapAt(index, down - 1)
                downCount = down - 1
                spinValues[order[down - 1]] = 1
            } else {
                let index = down + min(Int((target - downTotal) / upRate[down]), n - down - 1)
                order.swapAt(index, down)
                downCount = down + 1
                spinValues[order[down]] = -1
            }
        }
        time = elapsed
    }
}
