// swift-tools-version:5.9
// libFuzzer targets for Macroscale's artifact readers and spin samplers (Docs/HARDENING.md).
// The library sources (and the provenance plugin) are the main package's, linked in by symlinks; build only with
// `-sanitize=fuzzer` (the executable runs libFuzzer's driver), e.g. scripts/fuzz-readers.
import PackageDescription

let package = Package(
    name: "MacroscaleFuzz",
    platforms: [.macOS(.v13)],
    targets: [
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3"),
        .systemLibrary(name: "CGSL"),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas"),
        .target(name: "Spectral", dependencies: ["CFFTW"]),
        .target(name: "Random", dependencies: ["CGSL"]),
        .target(name: "Linalg", dependencies: ["COpenBLAS"]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib"),
        .target(name: "Inflate", dependencies: ["CZlib"]),
        .target(name: "Artifacts", dependencies: ["Inflate"], plugins: ["BuildProvenance"]),
        .plugin(name: "BuildProvenance", capability: .buildTool(), path: "Sources/BuildProvenance"),
        .target(name: "Systems", dependencies: ["Artifacts", "Random", "Spectral", "Linalg"]),
        .executableTarget(name: "ReadersFuzzer", dependencies: ["Artifacts", "Random", "Systems"]),
    ]
)
