import Artifacts
import Foundation

extension StageSource {
    /// The values of the control parameters `names` in the system configuration this stage's
    /// manifest records (`config.system`, e.g. the `temperature` of an alloy or Ising system).
    /// Throws, naming the stage and what its system records, for a name it lacks or whose value
    /// is not a finite number.
    public func controlValues(_ names: [String]) throws -> [Double] {
        guard case .object(let config) = manifest.config, case .object(let system)? = config["system"] else {
            throw LineageError(directory.path, "the manifest records no system configuration, so no control parameter \(names.joined(separator: ", "))")
        }
        return try names.map { name in
            guard let value = system[name] else {
                throw LineageError(directory.path, "its system configuration has no control parameter '\(name)' "
                                   + "(it records \(system.keys.sorted().joined(separator: ", ")))")
            }
            guard case .number(let number) = value, number.isFinite else {
                throw LineageError(directory.path, "the control parameter '\(name)' of its system configuration is not a finite number: \(value)")
            }
            return number
        }
    }
}
