/// One option set from the command line, `--set STAGE.OPTION=VALUE`: applied after the profile's
/// overrides, to every copy of a swept stage; `true`/`false` make a flag, `[a, b]` a list.
public struct OptionSetting: Equatable, CustomStringConvertible {
    /// The stage as the pipeline file names it (not a sweep copy).
    public var stage: String
    public var option: String
    public var value: PipelineDefinition.OptionValue

    /// Parses `STAGE.OPTION=VALUE`; the option is what follows the last `.` before `=` (options have
    /// no dots, stage names may: `test-m0.25.seed=3`).
    public init(_ text: String) throws {
        guard let equals = text.firstIndex(of: "="), let dot = text[..<equals].lastIndex(of: "."),
              dot > text.startIndex, text.index(after: dot) < equals else {
            throw PipelineError("--set '\(text)': expected STAGE.OPTION=VALUE, e.g. sde.epochs=5")
        }
        stage = String(text[..<dot])
        option = String(text[text.index(after: dot)..<equals])
        let raw = String(text[text.index(after: equals)...])
        switch raw {
        case "true": value = .flag(true)
        case "false": value = .flag(false)
        case _ where raw.hasPrefix("[") && raw.hasSuffix("]"):
            value = .list(raw.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        default: value = .scalar(raw)
        }
    }

    public var description: String { "\(stage).\(option)=\(value)" }
}
