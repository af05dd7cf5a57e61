// swift-tools-version:5.9
// Macroscale: learn macroscopic stochastic dynamics of large systems from small-system simulations.
import PackageDescription

let package = Package(
    name: "Macroscale",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "macroscale", targets: ["macroscale"]),
        .library(name: "MacroscaleCore", targets: ["Artifacts", "Random", "Spectral", "Linalg", "Execution", "Systems", "Learning", "MacroSDE", "Closure", "Metrics", "Reports", "Pipeline", "Stages", "Distributed"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // C shims: system libraries only. Nothing but the matching Swift wrapper imports them.
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3", providers: [.apt(["libfftw3-dev"])]),
        // GSL is linked without its reference CBLAS (`-lgslcblas`): the executable's direct OpenBLAS
        // dependency provides every `cblas_*` symbol, so GSL and our code share the fast BLAS.
        .systemLibrary(name: "CGSL", providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),

        // Thin Swift wrappers, one per native library.
        .target(name: "Spectral", dependencies: ["CFFTW"]),
        .target(name: "Random", dependencies: ["CGSL"]),
        .target(name: "Linalg", dependencies: ["COpenBLAS"]),
        .target(name: "Inflate", dependencies: ["CZlib"]),
        // Open MPI: rank, size and byte transfers; no MPI call in a process not started by mpirun.
        .target(name: "Distributed", dependencies: ["CMPI"]),

        // Pure Swift foundations.
        .target(name: "Execution"),
        // The git commit is stamped at build time (scripts/build-provenance), not looked up when run.
        .target(name: "Artifacts", dependencies: ["Inflate"], plugins: ["BuildProvenance"]),
        .plugin(name: "BuildProvenance", capability: .buildTool(), path: "Sources/BuildProvenance"),

        // Microscopic systems and their dynamics.
        .target(name: "Systems", dependencies: ["Artifacts", "Random", "Spectral", "Linalg"]),

        // Neural networks with explicit backward passes (no physics in here).
        .target(name: "Learning", dependencies: ["Artifacts", "Linalg", "Random", "Execution"]),

        // The macroscopic SDE: drift and diffusion networks, the λ-scaled likelihood, rollouts.
        .target(name: "MacroSDE", dependencies: ["Learning", "Linalg", "Random", "Artifacts", "Execution"]),

        // Closure variables: per-patch encoders averaged over patches, decoders, training.
        .target(name: "Closure", dependencies: ["Systems", "Learning", "Random", "Artifacts"]),

        // Evaluation metrics: MMD, relative errors, ensemble statistics.
        .target(name: "Metrics", dependencies: ["Linalg"]),

        // Reports: SVG plots and self-contained HTML pages, written directly.
        .target(name: "Reports"),

        // Pipeline stages: (configuration, input artifacts) → output artifacts + manifest.
        .target(name: "Stages", dependencies: ["Artifacts", "Distributed", "Execution", "Linalg", "Random", "Systems", "Learning", "MacroSDE", "Closure", "Metrics", "Reports"]),

        // Pipeline files: YAML definitions, profiles, resolution into stage commands, run records.
        .target(name: "Pipeline", dependencies: ["Artifacts", .product(name: "Yams", package: "Yams")]),

        // Command-line interface: a library so that commands are testable, plus a thin executable.
        .target(name: "MacroscaleCLI", dependencies: [
            "Artifacts", "Distributed", "Execution", "Random", "Spectral", "Linalg", "Systems", "Stages", "Learning", "MacroSDE", "Metrics", "Pipeline", "Reports",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "macroscale", dependencies: ["MacroscaleCLI", "Linalg"]),

        .target(name: "TestSupport", dependencies: ["Artifacts"], path: "Tests/TestSupport"),
        .testTarget(name: "ArtifactsTests", dependencies: ["Artifacts", "TestSupport"]),
        .testTarget(name: "RandomTests", dependencies: ["Random", "Execution"]),
        .testTarget(name: "SpectralTests", dependencies: ["Spectral"]),
        .testTarget(name: "LinalgTests", dependencies: ["Linalg", "Random"]),
        .testTarget(name: "ExecutionTests", dependencies: ["Execution"]),
        .testTarget(name: "DistributedTests", dependencies: ["Distributed"]),
        .testTarget(name: "SystemsTests", dependencies: ["Systems", "Random", "Execution"]),
        .testTarget(name: "AlloyTests", dependencies: ["Systems", "Random", "Artifacts", "TestSupport"]),
        .testTarget(name: "LearningTests", dependencies: ["Learning", "Artifacts", "Random", "TestSupport"]),
        .testTarget(name: "MacroSDETests", dependencies: ["MacroSDE", "Learning", "Linalg", "Random", "TestSupport"]),
        .testTarget(name: "ClosureTests", dependencies: ["Closure", "Systems", "Learning", "Random"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Artifacts", "Random", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline"], exclude: ["tiny-curie-weiss.yaml", "tiny-ising.yaml", "tiny-predator-prey.yaml"]),
        .testTarget(name: "StagesTests", dependencies: ["Stages", "Systems", "Artifacts", "Execution", "MacroSDE", "Learning", "TestSupport"]),
        .testTarget(name: "MacroscaleCLITests", dependencies: ["MacroscaleCLI", "Artifacts", "Execution", "Linalg", "Metrics", "Pipeline", "Reports", "Stages", "TestSupport"]),
    ]
)
