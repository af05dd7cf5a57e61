import ArgumentParser
import Artifacts
import Foundation

/// Reads `FILE.npy` or `FILE.npz:ARRAY`, either optionally cut to its first N rows by a suffix
/// `[:N]` (`partial.npz:start[:160]`: the first 160 encoded states as rollouts' initial latents).
func loadArray(_ specification: String) throws -> (URL, NumPyArray) {
    guard specification.hasSuffix("]"), let open = specification.lastIndex(of: "["), specification[open...].hasPrefix("[:") else {
        return try loadWholeArray(specification)
    }
    let count = specification[specification.index(open, offsetBy: 2)..<specification.index(before: specification.endIndex)]
    guard let rows = Int(count), rows >= 1 else {
        throw ValidationError("'\(specification)': the rows to read must be written [:N] with N ≥ 1; got [:\(count)]")
    }
    let (url, array) = try loadWholeArray(String(specification[..<open]))
    guard let available = array.shape.first, rows <= available else {
        throw ValidationError("'\(specification)': the array \(NumPyArray.describe(array.shape)) has fewer than \(rows) rows")
    }
    let rowBytes = array.bytes.count / available
    return (url, try NumPyArray(dtype: array.dtype, shape: [rows] + array.shape.dropFirst(), bytes: Data(array.bytes.prefix(rows * rowBytes))))
}

/// Reads `FILE.npy` or `FILE.npz:ARRAY` whole.
private func loadWholeArray(_ specification: String) throws -> (URL, NumPyArray) {
    if let colon = specification.range(of: ".npz:") {
        let url = URL(fileURLWithPath: String(specification[..<colon.lowerBound]) + ".npz")
        return (url, try NPZArchive.read(url).array(String(specification[colon.upperBound...]), in: url.path))
    }
    let url = URL(fileURLWithPath: specification)
    return (url, try NPYFile.read(url))
}
