/// An upper bound on how deeply a YAML text nests, found without parsing it.
///
/// Yams builds its node tree recursively, so a file nested 100,000 levels deep would overflow the
/// stack before any check of the tree could refuse it; this bound is checked first. It is never
/// below the depth libyaml reaches on the text (up to where libyaml stops on an error):
/// - a block collection opens only where the indentation grows (libyaml's indent stack), plus at
///   most one indentless sequence per level, and only in a line's leading run of spaces, `- `,
///   `? `, `: `, `--- `, anchors and tags (libyaml refuses `a: - b` and `a: b: c`). Its depth is
///   therefore at most 2·(c + 1) for the largest column c that such a run has reached so far;
/// - a flow collection nests by brackets outside comments and quoted scalars. A quote or a `#` that
///   may or may not open a quoted scalar or a comment (in plain text, in a tag) is followed both ways
///   and the larger depth kept, so no reading of the text can hide a bracket from the bound.
///
/// Pipelines nest a few levels; a bound in the hundreds means deep nesting or an absurd indentation.
enum YAMLNesting {
    /// Where a reading of the text is: in code (structure, plain or block scalars), in a comment,
    /// inside a single- or double-quoted scalar (just after a doubled quote or a backslash), or
    /// inside a verbatim tag `!<…>`, where brackets are text.
    private enum Reading: Int, CaseIterable {
        case code, comment, single, singleDoubled, double, doubleEscaped, verbatimTag
    }

    /// The bound and the 1-based line on which it is first reached; the scan stops where the
    /// bound first exceeds `limit`.
    static func bound(of text: String, stoppingAbove limit: Int = .max) -> (depth: Int, line: Int) {
        // The largest flow depth of any reading in each state (nil: no reading is in that state).
        var depths = [Int?](repeating: nil, count: Reading.allCases.count)
        depths[Reading.code.rawValue] = 0
        var blockColumn = -1
        var best = (depth: 0, line: 1)
        for (index, line) in lines(of: Array(text.utf8)).enumerated() {
            blockColumn = max(blockColumn, blockRun(of: line) ?? -1)
            for position in line.indices {
                var next = [Int?](repeating: nil, count: depths.count)
                for reading in Reading.allCases {
                    guard let depth = depths[reading.rawValue] else { continue }
                    for (successor, successorDepth) in step(reading, depth, line, position) {
                        next[successor.rawValue] = max(next[successor.rawValue] ?? 0, successorDepth)
                    }
                }
                depths = next
                let flow = depths.compactMap { $0 }.max() ?? 0
                let total = 2 * (blockColumn + 1) + flow + 1
                if total > best.depth { best = (total, index + 1) }
                if best.depth > limit { return best }
            }
            // A line break ends comments, escapes and (with an error in libyaml) verbatim tags.
            for (from, to) in [(Reading.comment, Reading.code), (.doubleEscaped, .double), (.verbatimTag, .code)] {
                guard let depth = depths[from.rawValue] else { continue }
                depths[to.rawValue] = max(depths[to.rawValue] ?? 0, depth)
                depths[from.rawValue] = nil
            }
        }
        return best
    }

    /// Where the readings in `reading` at flow depth `depth` go on the byte at `position` of `line`.
    private static func step(_ reading: Reading, _ depth: Int, _ line: ArraySlice<UInt8>, _ position: Int) -> [(Reading, Int)] {
        let byte = line[position]
        let next: UInt8? = position + 1 < line.endIndex ? line[position + 1] : nil
        switch reading {
        case .code:
            switch byte {
            case UInt8(ascii: "["), UInt8(ascii: "{"): return [(.code, depth + 1)]
            case UInt8(ascii: "]"), UInt8(ascii: "}"): return [(.code, max(depth - 1, 0))]
            case UInt8(ascii: "'"): return [(.code, depth), (.single, depth)]
            case UInt8(ascii: "\""): return [(.code, depth), (.double, depth)]
            case UInt8(ascii: "#"):
                // After a space or at a line's start always a comment; elsewhere (`a#b`, `[#c`) perhaps.
                let afterSpace = position == line.startIndex || isSpace(line[position - 1])
                return afterSpace ? [(.comment, depth)] : [(.comment, depth), (.code, depth)]
            case UInt8(ascii: "!") where next == UInt8(ascii: "<"): return [(.code, depth), (.verbatimTag, depth)]
            default: return [(.code, depth)]
            }
        case .comment:
            return [(.comment, depth)]
        case .single:
            guard byte == UInt8(ascii: "'") else { return [(.single, depth)] }
            return next == UInt8(ascii: "'") ? [(.singleDoubled, depth)] : [(.code, depth)]
        case .singleDoubled:
            return [(.single, depth)]
        case .double:
            switch byte {
            case UInt8(ascii: "\\"): return [(.doubleEscaped, depth)]
            case UInt8(ascii: "\""): return [(.code, depth)]
            default: return [(.double, depth)]
            }
        case .doubleEscaped:
            return [(.double, depth)]
        case .verbatimTag:
            return [(byte == UInt8(ascii: ">") ? .code : .verbatimTag, depth)]
        }
    }

    /// The column after a line's leading run of spaces, block indicators, document marker, anchors
    /// and tags — at or beyond every block collection the line can open; nil for a blank line or a
    /// comment alone (neither opens anything).
    private static func blockRun(of line: ArraySlice<UInt8>) -> Int? {
        guard let first = line.firstIndex(where: { !isSpace($0) }), line[first] != UInt8(ascii: "#") else { return nil }
        func endsToken(_ index: Int) -> Bool { index >= line.endIndex || isSpace(line[index]) }
        var position = line.startIndex
        while position < line.endIndex {
            let byte = line[position]
            if isSpace(byte) {
                position += 1
            } else if [UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":")].contains(byte) && endsToken(position + 1) {
                position += 1
            } else if position == line.startIndex, line.starts(with: Array("---".utf8)), endsToken(position + 3) {
                position += 3
            } else if byte == UInt8(ascii: "&") || byte == UInt8(ascii: "!") {
                while position < line.endIndex && !isSpace(line[position]) { position += 1 }
            } else {
                break
            }
        }
        return position - line.startIndex
    }

    /// The lines of `bytes`, split at every line break libyaml knows: LF, CR, NEL, LS and PS.
    private static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0, index = 0
        while index < bytes.count {
            let length: Int
            switch bytes[index] {
            case 0x0A, 0x0D: length = 1
            case 0xC2 where bytes[(index + 1)...].starts(with: [0x85]): length = 2
            case 0xE2 where bytes[(index + 1)...].starts(with: [0x80, 0xA8]) || bytes[(index + 1)...].starts(with: [0x80, 0xA9]): length = 3
            default: length = 0
            }
            if length > 0 {
                lines.append(bytes[start..<index])
                start = index + length
                index = start
            } else {
                index += 1
            }
        }
        lines.append(bytes[start...])
        return lines
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
}
