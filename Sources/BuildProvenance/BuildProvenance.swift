import PackagePlugin

/// Stamps the target with the git commit of the source tree at build time (`BuildProvenance.commit`),
/// by running `scripts/build-provenance` before every build.
@main
struct BuildProvenancePlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectory.appending("generated")
        return [.prebuildCommand(
            displayName: "Stamping the git commit",
            executable: Path("/bin/sh"),
            arguments: [context.package.directory.appending("scripts", "build-provenance").string, context.package.directory.string,
                        output.appending("BuildProvenance.swift").string],
            outputFilesDirectory: output)]
    }
}
