/// The unit of a system's physical time, for axis labels: Glauber time for the spin systems
/// (one attempted flip per spin per unit), seconds for the alloy's kinetic Monte Carlo, lattice
/// time for the predator–prey SPDE (its Laplacian carries no 1/dx², Docs/METHOD.md §4.1).
public enum TimeUnit {
    /// The unit of the system called `identifier`, `time units` for one this list does not know.
    public static func of(system identifier: String) -> String {
        switch identifier {
        case "ising", "curie-weiss": return "Glauber time"
        case "alloy": return "s"
        case "predator-prey": return "lattice time"
        default: return "time units"
        }
    }
}
