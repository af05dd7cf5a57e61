import Artifacts
import Foundation

/// Reads `FILE.npy` or `FILE.npz:ARRAY`.
func loadArray(_ specification: String) throws -> (URL, NumPyArray) {
    if let colon = specification.range(of: ".npz:") {
        let url = URL(fileURLWithPath: String(specification[..<colon.lowerBound]) + ".npz")
        return (url, try NPZArchive.read(url).array(String(specification[colon.upperBound...]), in: url.path))
    }
    let url = URL(fileURLWithPath: specification)
    return (url, try NPYFile.read(url))
}
