import Artifacts
import Foundation

/// Pair-model parameters read from a JSON file (Docs/SYSTEMS.md, *NbMoTa alloy*; the built-in
/// values are in `Data/alloy/pair-illustrative.json`).
///
/// The file holds `baseBarrier` (E₀ in eV) and `pairEnergies`, an object with the six pairs
/// `NbNb`, `NbMo`, `NbTa`, `MoMo`, `MoTa`, `TaTa` (ε in eV; the table is symmetric, so each unlike
/// pair is given once). Every number must be finite, E₀ in (0, 5] eV and |ε| ≤ 1 eV; a missing or
/// unknown key is refused by name.
extension PairBarrierModel {
    /// The pairs a parameter file names (`NbNb` … `TaTa`), those of the SRO parameters.
    static let parameterPairs = ShortRangeOrder.pairs.map { "\($0.0.symbol)\($0.1.symbol)" }

    /// Reads the model from the JSON `data`; `source` names the file in errors.
    public init(parameters data: Data, source: String) throws {
        guard case .object(let root)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw ArtifactError(source, "is not a JSON object with baseBarrier and pairEnergies")
        }
        guard Set(root.keys) == ["baseBarrier", "pairEnergies"] else {
            throw ArtifactError(source, "must hold exactly baseBarrier and pairEnergies; got \(root.keys.sorted())")
        }
        func number(_ value: JSONValue?, _ name: String) throws -> Double {
            guard case .number(let number)? = value, number.isFinite else { throw ArtifactError(source, "\(name) must be a finite number") }
            return number
        }
        let base = try number(root["baseBarrier"], "baseBarrier")
        guard base > 0, base <= 5 else { throw ArtifactError(source, "baseBarrier must lie in (0, 5] eV; got \(base)") }
        guard case .object(let pairs)? = root["pairEnergies"], Set(pairs.keys) == Set(Self.parameterPairs) else {
            throw ArtifactError(source, "pairEnergies must give exactly \(Self.parameterPairs.joined(separator: ", "))")
        }
        var table = [Double](repeating: 0, count: 9)
        for (name, (i, j)) in zip(Self.parameterPairs, ShortRangeOrder.pairs) {
            let value = try number(pairs[name], "pairEnergies.\(name)")
            guard abs(value) <= 1 else { throw ArtifactError(source, "pairEnergies.\(name) must lie in [−1, 1] eV; got \(value)") }
            // Element codes 1…3 index the table from 0.
            let (a, b) = (Int(i.rawValue) - 1, Int(j.rawValue) - 1)
            table[3 * a + b] = value
            table[3 * b + a] = value
        }
        self.init(baseBarrier: base, elementPairEnergies: table)
    }
}
