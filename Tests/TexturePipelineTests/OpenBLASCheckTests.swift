// OpenBLASCheckTests: the warning when OpenBLAS runs a kernel below the CPU's vector level.

import Testing
import TexturePipeline

@Suite struct OpenBLASCheckTests {
    static let avx512: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl"]
    static let avx2: Set<String> = ["sse3", "avx", "avx2", "fma"]

    @Test func prescottOnAnAVX512CPUNamesTheFix() throws {
        // Intel family 6 model 207 with OpenBLAS 0.3.21: the case that cost 3–5× in the Gram matrices.
        let warning = try #require(OpenBLASCheck.warning(core: "Prescott", flags: Self.avx512))
        #expect(warning.contains("Prescott") && warning.contains("AVX-512"))
        #expect(warning.contains("OPENBLAS_CORETYPE=SkylakeX"))
    }

    @Test func haswellIsBelowAVX512ButRightForAVX2() throws {
        let warning = try #require(OpenBLASCheck.warning(core: "Haswell", flags: Self.avx512))
        #expect(warning.contains("OPENBLAS_CORETYPE=SkylakeX"))
        #expect(OpenBLASCheck.warning(core: "Haswell", flags: Self.avx2) == nil)
        #expect(OpenBLASCheck.warning(core: "Zen", flags: Self.avx2) == nil)
        #expect(OpenBLASCheck.warning(core: "Prescott", flags: Self.avx2)?.contains("OPENBLAS_CORETYPE=Haswell") == true)
    }

    @Test func aMatchingOrUnknownCoreIsNotWarnedAbout() {
        #expect(OpenBLASCheck.warning(core: "Cooperlake", flags: Self.avx512) == nil)
        #expect(OpenBLASCheck.warning(core: "SkylakeX", flags: Self.avx512) == nil)
        #expect(OpenBLASCheck.warning(core: "SomeFutureCore", flags: Self.avx512) == nil)
        #expect(OpenBLASCheck.warning(core: "Prescott", flags: ["sse3"]) == nil)
    }

    @Test func avx512WithoutBWAndVLCountsAsAVX2() {
        // Xeon Phi (avx512f without bw/vl) cannot run OpenBLAS's SkylakeX kernel.
        #expect(OpenBLASCheck.level(ofFlags: ["avx2", "fma", "avx512f"]) == .avx2)
        #expect(OpenBLASCheck.level(ofFlags: Self.avx512) == .avx512)
    }
}
