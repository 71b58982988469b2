// KernelEnvironmentTests: TEXSTIM_KERNEL as a user sets it: refused when bad, recorded and reproducible when good.

import Foundation
import Testing

@Suite struct KernelEnvironmentTests {
    /// This CPU's flags from /proc/cpuinfo (empty elsewhere).
    static let cpuFlags: Set<String> = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: ":", maxSplits: 1).last?.split(separator: " ").map(String.init) ?? [])
    }()
    static let hasAVX2 = cpuFlags.isSuperset(of: ["avx2", "fma"])
    static let hasAVX512 = cpuFlags.contains("avx512f")

    static func environment(_ kernel: String?) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TEXSTIM_KERNEL"] = kernel
        return environment
    }

    /// An unknown value stops every command with exit 2 before it writes anything, naming the
    /// variable, the value and what this CPU allows; --help still answers.
    @Test func unknownKernelIsRefused() throws {
        let folder = try temporaryFolder("kernel")
        let result = try texstim(["synthesize", pebbles, "--out", folder + "/out.png", "--size", "32"],
                                 environment: Self.environment("avx1024"))
        #expect(result.status == 2)
        #expect(result.error.hasPrefix("texstim: error: TEXSTIM_KERNEL=avx1024 is not a kernel; allowed on this CPU: "))
        #expect(result.error.contains("openblas"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        let help = try texstim(["--help"], environment: Self.environment("avx1024"))
        #expect(help.status == 0 && help.output.contains("synthesize"))
    }

    /// Asking for AVX-512 on a CPU without it is refused, not run with AVX2.
    @Test(.enabled(if: !hasAVX512, "this CPU has AVX-512F")) func missingFeatureIsRefused() throws {
        let result = try texstim(["stats", pebbles], environment: Self.environment("avx512"))
        #expect(result.status == 2)
        #expect(result.error.contains("TEXSTIM_KERNEL=avx512 needs a feature this CPU lacks"))
    }

    /// A stimulus made with TEXSTIM_KERNEL=avx2 records texstim-avx2, reproduces with it (the
    /// recorded kernel runs on an AVX-512 CPU too), and has the same pixels as the stimulus made
    /// with AVX-512 (both levels compute the same bits).
    @Test(.enabled(if: hasAVX512, "needs AVX-512F to compare with AVX2"))
    func avx2StimulusIsRecordedAndReproducesOnAVX512() throws {
        let folder = try temporaryFolder("kernel")
        let out = folder + "/avx2.png"
        let made = try texstim(["synthesize", pebbles, "--out", out, "--model", "vgg19-random", "--size", "64",
                                "--layers", "conv1_1,pool1,pool2", "--iterations", "3"],
                               environment: Self.environment("avx2"))
        // Three iterations do not converge (exit 1), but the file is written, with its provenance.
        #expect(made.status == 0 || made.error.contains("not converged"), "\(made.error)")
        let sidecar = try String(contentsOfFile: folder + "/avx2.json", encoding: .utf8)
        #expect(sidecar.contains("\"winograd_products\" : \"texstim-avx2\""))
        let again = try texstim(["reproduce", out], environment: Self.environment(nil))
        #expect(again.status == 0, "\(again.output)\(again.error)")
        #expect(again.output.contains("avx2.png: identical") && !again.output.contains("Winograd products"),
                "\(again.output)")
        let avx512 = folder + "/avx512.png"
        _ = try texstim(["synthesize", pebbles, "--out", avx512, "--model", "vgg19-random", "--size", "64",
                         "--layers", "conv1_1,pool1,pool2", "--iterations", "3"], environment: Self.environment(nil))
        let pixels = try [out, avx512].map { try Self.imageData(URL(fileURLWithPath: $0)) }
        #expect(!pixels[0].isEmpty && pixels[0] == pixels[1], "the AVX2 and AVX-512 stimuli's pixels differ")
    }

    /// The concatenated IDAT chunks of a PNG (its compressed pixels; the provenance text differs).
    static func imageData(_ url: URL) throws -> Data {
        let bytes = try Data(contentsOf: url)
        var offset = 8, pixels = Data()
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard offset + 12 + length <= bytes.count else { break }
            if type == "IDAT" { pixels.append(bytes[(offset + 8)..<(offset + 8 + length)]) }
            offset += 12 + length
        }
        return pixels
    }
}
