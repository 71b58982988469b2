// swift-tools-version:6.0
// texstim: texture stimuli for vision science (Gatys, Ecker & Bethge 2015).
import PackageDescription

let package = Package(
    name: "texstim",
    products: [
        .executable(name: "texstim", targets: ["texstim"]),
        .library(name: "TextureCore", targets: ["TextureCore"]),
        .library(name: "TextureSynthesis", targets: ["TextureSynthesis"]),
        .library(name: "TextureImages", targets: ["TextureImages"]),
        .library(name: "TextureWeights", targets: ["TextureWeights"]),
        .library(name: "TextureValidation", targets: ["TextureValidation"]),
        .library(name: "TexturePipeline", targets: ["TexturePipeline"]),
        .library(name: "PortillaSimoncelli", targets: ["PortillaSimoncelli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: - C shims (each is imported by exactly one Swift file: CBLAS by BLAS.swift, CFFTW by
        // FourierTransform.swift, CLBFGSB by LBFGSB.swift, CPNG by PNGFile.swift, CJPEG by JPEGFile.swift;
        // except CWinograd: its tile transforms by WinogradConvolution.swift, its AVX-512 matrix
        // product by ProductKernel.swift)
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        // fftw3f (single) by pkg-config; the module map also links fftw3 (double, same package).
        .systemLibrary(
            name: "CFFTW", pkgConfig: "fftw3f",
            providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(
            name: "CLBFGSB",
            providers: [.apt(["liblbfgsb-dev"])]),
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        // Our own Winograd tile transforms and matrix product. No unsafeFlags(["-O2"]) for debug
        // builds: SwiftPM refuses a package with unsafe flags as a versioned dependency. What -O0
        // costs the tests (2 cores): the Winograd suite 2.8 → 4.3 s, TextureCore + TextureSynthesis
        // 12.5 → 13.9 s; release builds (-O) are unaffected.
        .target(name: "CWinograd"),

        // MARK: - Libraries (imports go one way, down this list; each folder's README.md says what
        // the target is for and what may import it)
        // Tensors, layers, models, Gram matrices and loss, safetensors, SHA-256, seeded random numbers.
        .target(name: "TextureCore", dependencies: ["CBLAS", "CFFTW", "CWinograd"], exclude: ["README.md"]),
        // Portilla–Simoncelli texture statistics (complex steerable pyramid), checked against plenoptic.
        .target(name: "PortillaSimoncelli", dependencies: ["TextureCore"], exclude: ["README.md"]),
        // One synthesis: image preparation, L-BFGS-B on the pixels, histogram matching, equalisation.
        .target(
            name: "TextureSynthesis", dependencies: ["TextureCore", "CLBFGSB", "CWinograd", "PortillaSimoncelli"],
            exclude: ["README.md"]),
        // PNG and JPEG files in and out, atomic writes.
        .target(name: "TextureImages", dependencies: ["TextureCore", "CPNG", "CJPEG"], exclude: ["README.md"]),
        // Weights files: import (.pth, .caffemodel, safetensors), fetch, verify, normalise, origin; ModelLoader.
        .target(
            name: "TextureWeights", dependencies: ["TextureCore", "TextureSynthesis", "TextureImages"],
            exclude: ["README.md"]),
        // Statistics of stimuli and the validation report (JSON, HTML).
        .target(name: "TextureValidation", dependencies: ["TextureCore", "TextureImages"], exclude: ["README.md"]),
        // Manifests → jobs → runs → stimuli with provenance → set validation; Slurm.
        .target(
            name: "TexturePipeline",
            dependencies: [
                "TextureCore", "TextureSynthesis", "TextureImages", "TextureWeights", "TextureValidation",
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["README.md"],
            plugins: ["GitCommitPlugin"]),

        // MARK: - Build tools
        // Writes BuildInfo.swift (the commit and a dirty flag) into TexturePipeline at build time.
        .plugin(name: "GitCommitPlugin", capability: .buildTool()),

        // MARK: - Executable (thin)
        .executableTarget(
            name: "texstim",
            dependencies: [
                "TexturePipeline", "TextureImages", "TextureWeights", "TextureSynthesis", "TextureCore",
                "PortillaSimoncelli",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: - Unit test bundles
        .testTarget(
            name: "TextureCoreTests", dependencies: ["TextureCore"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "TextureSynthesisTests", dependencies: ["TextureSynthesis"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "TexturePipelineTests",
            dependencies: [
                "TexturePipeline", "TextureSynthesis", "TextureImages", "TextureWeights", "TextureValidation",
            ],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "TextureValidationTests", dependencies: ["TextureValidation", "TextureCore"]),
        .testTarget(
            name: "PortillaSimoncelliTests", dependencies: ["PortillaSimoncelli"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "TexstimCLITests", dependencies: ["texstim"]),
    ]
)

// MARK: - Fuzz targets (only when TEXSTIM_FUZZ=1: scripts/fuzz.sh builds them with -sanitize=fuzzer,
// which the normal build must not get; see Fuzz/README.md)
if Context.environment["TEXSTIM_FUZZ"] == "1" {
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/Sources/FuzzDriver"))
    // Each target and the module whose reader it fuzzes.
    let fuzzTargets: KeyValuePairs<String, Target.Dependency> = [
        "FuzzPNG": "TextureImages", "FuzzJPEG": "TextureImages", "FuzzManifest": "TexturePipeline",
        "FuzzSafetensors": "TextureWeights", "FuzzPth": "TextureWeights", "FuzzCaffeModel": "TextureWeights",
        "FuzzProvenance": "TexturePipeline",
    ]
    for (name, module) in fuzzTargets {
        package.targets.append(
            .executableTarget(name: name, dependencies: ["FuzzDriver", module], path: "Fuzz/Sources/\(name)"))
        package.products.append(.executable(name: name, targets: [name]))
    }
}
