@testable import Pipeline
import XCTest
import Yams

/// The nesting bound is never below the depth Yams builds, on random files and mutations of them.
final class YAMLNestingTests: XCTestCase {
    /// A small deterministic generator (SplitMix64), so that a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Text pieces that a careless scan could take for structure, quotes or comments.
    let pieces = ["a", "b c", "[", "]", "{", "}", "#", " #x", "'", "\"", "it's", "x: y", "- z", "&a", "!t", "!<u]>", "\\", ": ", "? ", "|", ">", "---", "\t", "1", ",", "%"]

    func scalar(_ random: inout Generator) -> String {
        (0..<Int.random(in: 1...3, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    func node(_ depth: Int, _ random: inout Generator) -> Node {
        if depth <= 0 || Int.random(in: 0..<5, using: &random) == 0 {
            let style = [Node.Scalar.Style.plain, .singleQuoted, .doubleQuoted, .literal, .folded].randomElement(using: &random)!
            return Node(scalar(&random), Tag(.str), style)
        }
        let count = Int.random(in: 1...3, using: &random)
        if Bool.random(using: &random) {
            let items = (0..<count).map { _ in node(depth - 1, &random) }
            return .sequence(.init(items, Tag(.seq), Bool.random(using: &random) ? .flow : .block))
        }
        let pairs = (0..<count).map { index in (Node("k\(index)\(scalar(&random))", Tag(.str), .plain), node(depth - 1, &random)) }
        return .mapping(.init(pairs, Tag(.map), Bool.random(using: &random) ? .flow : .block))
    }

    /// Levels of collections in `node`, the document counted as one.
    func depth(_ node: Node) -> Int {
        switch node {
        case .scalar: return 1
        case .sequence(let sequence): return 1 + (sequence.map(depth).max() ?? 1)
        case .mapping(let mapping): return 1 + (mapping.map { max(depth($0.key), depth($0.value)) }.max() ?? 1)
        }
    }

    func testTheBoundIsNeverBelowTheDepthYamsBuilds() throws {
        var random = Generator(state: 14)
        var compared = 0
        for trial in 0..<500 {
            guard var text = try? Yams.serialize(node: node(Int.random(in: 1...12, using: &random), &random)) else { continue }
            if trial % 2 == 1 {
                var characters = Array(text)
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    characters.insert(contentsOf: pieces.randomElement(using: &random)!, at: Int.random(in: 0...characters.count, using: &random))
                }
                text = String(characters)
            }
            guard let parsed = try? Yams.compose(yaml: text) else { continue }
            compared += 1
            XCTAssertGreaterThanOrEqual(YAMLNesting.bound(of: text).depth, depth(parsed), text)
        }
        XCTAssertGreaterThan(compared, 250)
    }
}
