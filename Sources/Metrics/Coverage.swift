import Foundation

/// The fraction of the points [count, d] with any component outside [lower_k, upper_k] — test
/// states the model was not trained on.
public func fractionOutside(_ points: [Double], dimension d: Int, lower: [Double], upper: [Double]) -> Double {
    let count = points.count / d
    guard count > 0 else { return 0 }
    let outside = (0..<count).filter { i in (0..<d).contains { k in points[i * d + k] < lower[k] || points[i * d + k] > upper[k] } }.count
    return Double(outside) / Double(count)
}
