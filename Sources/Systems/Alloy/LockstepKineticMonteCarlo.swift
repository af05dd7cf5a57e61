import Random

/// Independent vacancy kinetic Monte Carlo chains run in lockstep, so that the barriers their hops
/// make stale are evaluated together (Docs/SYSTEMS.md, *NbMoTa alloy*, *Performance*).
///
/// Each round every chain that has not finished draws its next event from its own random stream and
/// makes its hop, adding its stale vacancies to one shared `BarrierBatch`; the model evaluates the
/// batch — for the NNK network one matrix product per layer over all the chains' hops — and each
/// chain sets its channels from its part. A chain draws the same numbers in the same order as when
/// run alone, so it ends in the same state at the same time as long as the batched barriers equal
/// the single ones: exactly for the pair model, up to the float rounding of the products for NNK.
extension VacancyKineticMonteCarlo {
    /// Runs `samplers[i]` on `occupations[i]` with `randoms[i]` for `durations[i]`, all in lockstep.
    static func runInLockstep(_ samplers: inout [VacancyKineticMonteCarlo], occupations: inout [[Int8]], randoms: [RandomStream],
                              for durations: [RegionDuration]) {
        precondition(samplers.count == occupations.count && samplers.count == randoms.count && samplers.count == durations.count,
                     "one occupation, random stream and duration per chain")
        guard let model = samplers.first?.barriers else { return }
        let limits = zip(durations, samplers).map { RunLimit($0, from: $1) }
        let batch = BarrierBatch()
        var running = Array(samplers.indices), hopped: [Int] = []
        while !running.isEmpty {
            batch.removeAll()
            hopped.removeAll(keepingCapacity: true)
            for chain in running {
                if let channel = samplers[chain].nextChannel(before: limits[chain], random: randoms[chain]) {
                    samplers[chain].hop(channel, occupation: &occupations[chain], batch: batch)
                    hopped.append(chain)
                }
            }
            model.evaluate(batch)
            for chain in hopped { samplers[chain].refreshStale(from: batch, occupation: occupations[chain]) }
            swap(&running, &hopped)
        }
    }
}
