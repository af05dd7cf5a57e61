import Foundation
@testable import MacroscaleCLI
import XCTest

extension CommandTestCase {
    /// What a command that should fail said, run in this process: its error message, or `ran` when it succeeded.
    func refusal(_ arguments: [String]) -> String {
        do {
            try runMacroscale(arguments)
            return "ran"
        } catch {
            return Macroscale.message(for: error)
        }
    }

}
