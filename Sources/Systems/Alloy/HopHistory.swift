/// The latest hops of a vacancy kinetic Monte Carlo chain, each with the channel rates it replaced,
/// so that a hop that undoes the latest one restores those rates instead of recomputing barriers
/// (Docs/SYSTEMS.md, *NbMoTa alloy*, *Performance*).
///
/// A hop that reverses the latest hop remembered — the same vacancy back in the opposite
/// direction — returns every site to where it was before that hop, so every barrier is what it was
/// then, and the rates that hop replaced (those of the vacancies it made stale, the same vacancies
/// the reverse hop makes stale) are the rates again; every other rate did not change. After the
/// undo the hop before is the latest, so a vacancy retracing its path restores state after state.
/// The rates restored are the very numbers computed then: with the pair model the chain is the
/// chain that recomputes them, bit for bit; with NNK too when it runs alone (the same product of
/// the same inputs), and up to the float rounding of another batch when it runs in lockstep.
///
/// At most `depth` hops are remembered, the oldest half forgotten when more are made; the storage
/// is kept from hop to hop, so remembering allocates nothing once it has grown.
struct HopHistory {
    /// Hops remembered at most.
    static let depth = 64

    /// The hops remembered, latest last, each with where its replaced rates begin in `replaced`.
    private var hops: [(vacancy: Int, direction: Int, firstReplaced: Int)] = []
    /// The rates the hops replaced: the vacancy's index and its eight channel rates before the hop.
    private var replaced: [(vacancy: Int, rates: SIMD8<Double>)] = []

    /// Whether the hop of `vacancy` in `direction` reverses the latest hop remembered.
    func undoesLatest(vacancy: Int, direction: Int) -> Bool {
        guard let latest = hops.last else { return false }
        return latest.vacancy == vacancy && latest.direction == BCCLattice.reverse(ofDirection: direction)
    }

    /// Forgets the latest hop, handing `restore` each vacancy and the rates the hop replaced.
    mutating func undoLatest(_ restore: (_ vacancy: Int, _ rates: SIMD8<Double>) -> Void) {
        let latest = hops.removeLast()
        for entry in replaced[latest.firstReplaced...] { restore(entry.vacancy, entry.rates) }
        replaced.removeSubrange(latest.firstReplaced...)
    }

    /// Remembers the hop of `vacancy` in `direction`, whose replaced rates `replace` adds next.
    mutating func remember(vacancy: Int, direction: Int) {
        if hops.count == Self.depth {
            hops.removeFirst(Self.depth / 2)
            let dropped = hops[0].firstReplaced
            replaced.removeFirst(dropped)
            for i in hops.indices { hops[i].firstReplaced -= dropped }
        }
        hops.append((vacancy, direction, replaced.count))
    }

    /// Adds the rates of `vacancy` before the latest hop remembered.
    mutating func replace(vacancy: Int, rates: SIMD8<Double>) {
        replaced.append((vacancy, rates))
    }
}
