// OpenBLASCheck: whether OpenBLAS runs a kernel below what this CPU can do, and what the user can set.

import Foundation
import TextureCore

/// OpenBLAS picks its kernel from the CPU at load time; a release older than the CPU falls back
/// to a generic one (0.3.21 runs Prescott, SSE3, on Intel family 6 model 207). texstim's
/// default path does not depend on it (its own product and Gram kernels and its own L-BFGS-B),
/// but `--conv direct` and `--lbfgsb fortran` (whose dot products go through the BLAS) do.
public enum OpenBLASCheck {
    /// Vector instruction levels, lowest first.
    public enum Level: Int, Comparable, Sendable {
        case sse = 0, avx, avx2, avx512
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        var name: String { ["SSE", "AVX", "AVX2", "AVX-512"][rawValue] }
        /// The OPENBLAS_CORETYPE that uses this level (OpenBLAS 0.3.21's names).
        var coreType: String? { [nil, "Sandybridge", "Haswell", "SkylakeX"][rawValue] }
    }

    /// The level an OpenBLAS core name (openblas_get_corename) uses; nil: a name not listed here.
    public static func level(ofCore name: String) -> Level? {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": return .avx512
        case "haswell", "zen", "excavator": return .avx2
        case "sandybridge", "bulldozer", "piledriver", "steamroller": return .avx
        case "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "opteron", "opteron_sse3",
             "barcelona", "bobcat", "katmai", "coppermine", "northwood", "banias", "athlon", "generic":
            return .sse
        default: return nil
        }
    }

    /// The CPU's level from its flags (the `flags` line of /proc/cpuinfo).
    public static func level(ofFlags flags: Set<String>) -> Level {
        if flags.contains("avx512f") && flags.contains("avx512bw") && flags.contains("avx512vl") { return .avx512 }
        if flags.contains("avx2") && flags.contains("fma") { return .avx2 }
        return flags.contains("avx") ? .avx : .sse
    }

    /// This machine's CPU flags (Linux); empty elsewhere.
    public static var cpuFlags: Set<String> {
        Set((MachineInfo.cpuinfoValue("flags") ?? "").split(separator: " ").map(String.init))
    }

    /// A warning when OpenBLAS's kernel `core` uses a lower level than the CPU has; nil otherwise.
    public static func warning(core: String = BLAS.coreName, flags: Set<String> = cpuFlags) -> String? {
        guard let used = level(ofCore: core) else { return nil }
        let available = level(ofFlags: flags)
        guard used < available, let coreType = available.coreType else { return nil }
        return "OpenBLAS runs its \(core) kernel (\(used.name)) on this \(available.name) CPU, so `--conv direct` "
            + "and `--lbfgsb fortran` are slower than they could be (texstim's defaults, Winograd and its own "
            + "L-BFGS-B, use its own kernels). To fix: set OPENBLAS_CORETYPE=\(coreType) in the shell or job script that runs "
            + "texstim (texstim never sets it; the BLAS core is recorded in provenance, and direct results "
            + "change in their last bits with it)."
    }
}
