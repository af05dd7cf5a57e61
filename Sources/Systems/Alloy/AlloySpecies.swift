/// What a site of the NbMoTa lattice holds, by the code it is stored with (Docs/SYSTEMS.md, *NbMoTa alloy*).
///
/// The codes are those of the reference voxel encoding, in which they are also the values the NNK
/// barrier network reads: vacancy 0, Nb 1, Mo 2, Ta 3.
public enum AlloySpecies: Int8, CaseIterable, Sendable {
    case vacancy = 0
    case niobium = 1
    case molybdenum = 2
    case tantalum = 3

    /// The three elements, in code order (Nb, Mo, Ta).
    public static let elements: [AlloySpecies] = [.niobium, .molybdenum, .tantalum]

    /// The chemical symbol (`Nb`, `Mo`, `Ta`), or `Va` for the vacancy.
    public var symbol: String {
        switch self {
        case .vacancy: return "Va"
        case .niobium: return "Nb"
        case .molybdenum: return "Mo"
        case .tantalum: return "Ta"
        }
    }
}
