import Pipeline

/// What reading `yaml` as the pipeline file `p.yaml` says: its error, or `parsed`.
func pipelineError(_ yaml: String) -> String {
    do {
        _ = try PipelineDefinition(yaml: yaml, source: "p.yaml")
        return "parsed"
    } catch {
        return "\(error)"
    }
}
