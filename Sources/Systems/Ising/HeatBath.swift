import Foundation
import Random

/// Discrete-time heat-bath dynamics of the 2D Ising model in checkerboard order: all sites with
/// even x + y, then all with odd x + y; each spin is set to +1 with probability
/// `1 / (1 + exp(−2β(Σ s_nn + h)))`, its equilibrium probability given its neighbours.
/// Sites of one colour do not neighbour each other (for even L), so a half-sweep is exact.
struct HeatBath {
    let size: Int
    /// Probability of spin up for neighbour sums −4, −2, 0, 2, 4.
    let upProbability: [Double]

    init(model: IsingModel) {
        precondition(model.size % 2 == 0, "checkerboard heat bath needs an even lattice size")
        size = model.size
        upProbability = stride(from: -4, through: 4, by: 2).map { sum in
            1 / (1 + exp(-2 * model.beta * (Double(sum) + model.field)))
        }
    }

    /// One sweep: every spin updated once.
    func sweep(_ spins: inout [Int8], random: RandomStream) {
        for colour in 0..<2 {
            for y in 0..<size {
                let up = ((y + size - 1) % size) * size, down = ((y + 1) % size) * size, row = y * size
                var x = (y + colour) % 2
                while x < size {
                    let left = row + (x + size - 1) % size, right = row + (x + 1) % size
                    let sum = Int(spins[left]) + Int(spins[right]) + Int(spins[up + x]) + Int(spins[down + x])
                    spins[row + x] = random.uniform() < upProbability[(sum + 4) / 2] ? 1 : -1
                    x += 2
                }
            }
        }
    }
}
