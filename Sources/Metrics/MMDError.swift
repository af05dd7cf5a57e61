/// Samples the MMD cannot compare: fewer than two on a side, or points without components.
public struct MMDError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
