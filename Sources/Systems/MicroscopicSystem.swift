import Artifacts
import Random

/// A microscopic stochastic system that Macroscale learns macroscopic dynamics for.
///
/// A value of a conforming type carries the system's parameters (size, temperature, field, …);
/// every stage after simulation — upsampling, partial evolution, encoding — is written once
/// against this protocol.
public protocol MicroscopicSystem: Sendable {
    /// How one site component is stored on disk (`Int8` spins, `Float` fields).
    associatedtype Site: NumPyElement & Equatable

    /// The name used on the command line and in manifests (`ising`, `curie-weiss`, `predator-prey`).
    static var identifier: String { get }

    /// Names of the macroscopic observables, in the order `observables(of:)` returns them.
    static var observableNames: [String] { get }

    /// The observables that form the latent z* of the macroscopic model (Docs/METHOD.md §4): a subset of
    /// `observableNames`, e.g. (m, ρ) for Ising, whose energy is recorded but not modelled.
    static var macroscopicObservables: [String] { get }

    /// Names of the numbers that describe how a run's initial configuration was drawn (e.g. `m0`).
    static var initialParameterNames: [String] { get }

    /// Whether the grid wraps around (lattice spins) or has ends (predator–prey on [0, 1]).
    static var isPeriodic: Bool { get }

    /// The unit of the system's physical time, for axis labels (`Glauber time`, `s`); `time units`
    /// for a system that does not say.
    static var timeUnit: String { get }

    /// The boundary the reference method uses when it evolves one patch (Docs/METHOD.md §4): an isolated
    /// periodic patch for Ising, the global mean field for Curie–Weiss, ghost cells for predator–prey.
    static var referencePatchBoundary: RegionBoundary { get }

    /// Rebuilds a system from the parameters a manifest recorded (`configuration`).
    init(configuration: SystemConfiguration) throws

    /// Throws a `ConfigurationError` naming the first parameter outside its domain (not finite, out
    /// of range, or so extreme that the dynamics cannot be computed); run before any work.
    func validateParameters() throws

    /// Whether `value` is a state one site component can take: a spin of ±1, a finite non-negative density.
    static func isValidSite(_ value: Site) -> Bool

    /// The states a site component can take, for error messages (`spins must be -1 or +1`).
    static var siteDomain: String { get }

    /// Every parameter, as recorded in manifests, including `"system": identifier`.
    var configuration: [String: JSONValue] { get }

    /// Values per site.
    var components: Int { get }

    /// Extent of each spatial axis of a whole configuration.
    var spatialShape: [Int] { get }

    /// The same system on a grid of another spatial shape (a larger lattice, a patch).
    func resized(to spatialShape: [Int]) -> Self

    /// Elementary steps per recorded step: time steps of an SPDE, N-event steps or sweeps of a
    /// spin system.
    var stepsPerRecord: Int { get set }

    /// The initial configuration of run `run`, with the parameters it was drawn from.
    func initialConfiguration(run: Int, random: RandomStream) -> (configuration: Grid<Site>, parameters: [Double])

    /// Macroscopic observables (spatial averages) of a configuration — a whole one or a patch.
    func observables(of configuration: Grid<Site>) -> [Double]

    /// Runs the dynamics for `steps` recording steps, calling `record(step, configuration, time)`
    /// after each, where `time` is the physical time elapsed since the start.
    func simulate(_ configuration: inout Grid<Site>, steps: Int, random: RandomStream,
                  record: (_ step: Int, _ configuration: Grid<Site>, _ time: Double) -> Void)

    /// A configuration `factor` times larger along every spatial axis that looks locally like the
    /// input: spins copied into factor × factor blocks, fields interpolated.
    func upsample(_ configuration: Grid<Site>, factor: Int) -> Grid<Site>

    /// One configuration `factor` times larger along every spatial axis, built from snapshots that
    /// `draw` picks from the previous level's pool. Spins and fields (the default) upsample one
    /// snapshot; the alloy assembles factor³ tiles of independent snapshots.
    func upsample(factor: Int, random: RandomStream, draw: () -> Grid<Site>) -> Grid<Site>

    /// Whether the partial estimator measures a patch's change in place, in the large lattice
    /// (true where observables count bonds and many bonds cross a patch's boundary, as the
    /// alloy's SRO), rather than on the patch alone (Docs/ESTIMATOR.md, *Measuring the patch*).
    static var measuresPatchesInPlace: Bool { get }

    /// Throws a `ConfigurationError` unless `evolveRegion` can run blocks of `size` sites with
    /// `boundary` (the default accepts any positive size and every boundary but `roaming`; the
    /// alloy needs at least 2 cells per axis and roams).
    func validateRegion(_ size: [Int], boundary: RegionBoundary) throws

    /// The default amount of dynamics for a region of `sites` sites: one event per site for spins
    /// (the reference LocalRelax and partial evolution), one time step for fields.
    func defaultRegionDuration(sites: Int) -> RegionDuration

    /// Throws a `ConfigurationError` unless `duration` can be run by `evolveRegion`: steps ≥ 0, a
    /// finite time ≥ 0, and (for time-stepped systems) a step count that fits an integer.
    func validate(_ duration: RegionDuration) throws

    /// Runs the dynamics inside the block of `size` sites at `origin` (wrapping periodically where the
    /// system is periodic) for `duration`, leaving every site outside the block untouched (with the
    /// `roaming` boundary: the block's movers run, anywhere); returns the physical time that elapsed.
    func evolveRegion(_ configuration: inout Grid<Site>, origin: [Int], size: [Int], for duration: RegionDuration,
                      boundary: RegionBoundary, random: RandomStream) -> Double

    /// Configurations whose regions `evolveRegions` gains by evolving together: 1 (the default)
    /// where together costs what one after another costs, more where the dynamics of many are
    /// computed faster at once (the alloy with NNK barriers: one matrix product for the hops of all).
    var regionBatch: Int { get }

    /// Evolves the block of `size` sites at `origins[i]` of every configuration i for `durations[i]`
    /// with `randoms[i]`, each ending as `evolveRegion` of it alone leaves it (the default runs them
    /// one after another); returns the physical time each evolved.
    func evolveRegions(_ configurations: inout [Grid<Site>], origins: [[Int]], size: [Int], for durations: [RegionDuration],
                       boundary: RegionBoundary, randoms: [RandomStream]) -> [Double]
}

extension MicroscopicSystem {
    public static var timeUnit: String { "time units" }

    public func validate(_ duration: RegionDuration) throws {
        try duration.checkRunnable()
    }

    public func upsample(factor: Int, random: RandomStream, draw: () -> Grid<Site>) -> Grid<Site> {
        upsample(draw(), factor: factor)
    }

    public func validateRegion(_ size: [Int], boundary: RegionBoundary) throws {
        guard boundary != .roaming else {
            throw ConfigurationError("\(Self.identifier) has no movers to roam: its regions evolve with the periodic-window or frozen-halo boundary")
        }
    }

    public static var measuresPatchesInPlace: Bool { false }

    public var regionBatch: Int { 1 }

    public func evolveRegions(_ configurations: inout [Grid<Site>], origins: [[Int]], size: [Int], for durations: [RegionDuration],
                              boundary: RegionBoundary, randoms: [RandomStream]) -> [Double] {
        precondition(origins.count == configurations.count && durations.count == configurations.count && randoms.count == configurations.count,
                     "one origin, duration and random stream per configuration")
        return configurations.indices.map { i in
            evolveRegion(&configurations[i], origin: origins[i], size: size, for: durations[i], boundary: boundary, random: randoms[i])
        }
    }

    /// The groups of consecutive indices of `count` items (snapshots) whose regions the stages
    /// evolve together (`evolveRegions`): at most `regionBatch` items each, and at least eight
    /// groups where there are eight items, so that a parallel loop over the groups keeps its
    /// threads busy. They depend on `count` alone, never on the thread count, so that results do not
    /// either (a batch of network barriers may round otherwise than another).
    public func regionGroups(of count: Int) -> [Range<Int>] {
        let size = max(1, min(regionBatch, count / 8))
        return Swift.stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }
}
