import Artifacts

extension MicroscopicSystem {
    /// Splits an array of shape `[count, (components,) spatial…]` into `count` configurations on
    /// `spatialShape`: the one place where values read from a file become a system's states, so
    /// every value is checked against `isValidSite` first and the samplers only ever see valid states.
    public func configurations(from array: NumPyArray, spatialShape: [Int], source: String) throws -> [Grid<Site>] {
        let stateShape = (components > 1 ? [components] : []) + spatialShape
        guard array.shape.count == 1 + stateShape.count, Array(array.shape.dropFirst()) == stateShape else {
            throw ArtifactError(source, "array of shape \(NumPyArray.describe(array.shape)) does not hold configurations of shape \(NumPyArray.describe(stateShape))")
        }
        let values: [Site]
        do {
            values = try array.elements(as: Site.self)
        } catch let error as ArtifactError {
            throw ArtifactError(source, error.problem)
        } catch {
            throw ArtifactError(source, "\(error)")
        }
        let size = stateShape.reduce(1, *)
        if let bad = values.firstIndex(where: { !Self.isValidSite($0) }) {
            throw ArtifactError(source, "value \(values[bad]) in configuration \(bad / size) (element \(bad % size)) is not a valid \(Self.identifier) site state: \(Self.siteDomain)")
        }
        return (0..<array.shape[0]).map { k in
            Grid(components: components, spatialShape: spatialShape, values: Array(values[(k * size)..<((k + 1) * size)]))
        }
    }
}
