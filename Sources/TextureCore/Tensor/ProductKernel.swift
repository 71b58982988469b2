// ProductKernel: which code computes a run's matrix products: texstim's AVX-512 or AVX2 kernel, or OpenBLAS.

internal import CWinograd
import Foundation

/// The code behind the matrix products of a run. The direct algorithm (the reference) always
/// uses OpenBLAS. With Winograd convolution the machine's kernel computes the 36 products of
/// every Winograd layer, the im2col products of conv1_1 (and of the embedded model) and the
/// Gram gradient (ConvolutionAlgorithm.products), and its level picks the code of the Winograd
/// transforms too; provenance records it as `machine.winograd_products`. Since 2026-11-30 it
/// also computes the Gram matrices themselves (GramKernel.products, recorded as `machine.gram`).
public enum ProductKernel: String, Sendable, CaseIterable {
    /// CWinograd's own AVX-512F kernel (texstim_winograd_gemm.c): no packing, no zeroing of C first.
    case avx512 = "texstim-avx512"
    /// The same kernel with AVX2 and FMA (6 × 16 register block); the same bits as avx512.
    case avx2 = "texstim-avx2"
    /// cblas_sgemm, with whichever kernel OpenBLAS chose (BLAS.coreName).
    case openBLAS = "openblas"

    /// The name of the environment variable that forces a lower level (`avx512`, `avx2`, `openblas`).
    public static let environmentVariable = "TEXSTIM_KERNEL"

    /// This process's kernel: ours with AVX-512F, else ours with AVX2 and FMA, else OpenBLAS,
    /// unless TEXSTIM_KERNEL asks for a lower one. Decided once per process (in CWinograd), so
    /// one process always computes the same bits. Single-threaded on the Winograd products'
    /// shapes the AVX-512 kernel measured 1.0–1.9× OpenBLAS's AVX-512 kernel and 1.0–1.3× its
    /// Haswell kernel.
    public static let machine = ProductKernel(level: texstim_kernel_level())

    /// The best kernel this CPU runs, whatever TEXSTIM_KERNEL says.
    public static let cpuBest = ProductKernel(level: texstim_kernel_cpu_level())

    /// Why TEXSTIM_KERNEL was ignored (an unknown value, or a level this CPU lacks), naming the
    /// variable, its value and the values allowed here; nil when it is unset or was followed.
    /// The command line refuses to run with it (exit 2): a benchmark or a set that asked for
    /// one kernel must not run another.
    public static var environmentProblem: String? {
        let status = Int(texstim_kernel_environment_status())
        guard status != Int(texstim_kernel_environment_ok) else { return nil }
        let value = ProcessInfo.processInfo.environment[environmentVariable] ?? ""
        let allowed = allCases.filter { $0.level <= cpuBest.level }.map(\.environmentValue)
        let reason =
            status == Int(texstim_kernel_environment_unknown) ? "is not a kernel" : "needs a feature this CPU lacks"
        return "\(environmentVariable)=\(value) \(reason); allowed on this CPU: \(allowed.joined(separator: ", "))"
            + " (or unset for \(cpuBest.environmentValue))"
    }

    /// The value of TEXSTIM_KERNEL that selects this kernel.
    public var environmentValue: String {
        switch self {
        case .avx512: "avx512"
        case .avx2: "avx2"
        case .openBLAS: "openblas"
        }
    }

    /// CWinograd's level (texstim_level_…): which code the products and the transforms run.
    var level: Int32 {
        switch self {
        case .avx512: Int32(texstim_level_avx512)
        case .avx2: Int32(texstim_level_avx2)
        case .openBLAS: Int32(texstim_level_none)
        }
    }

    init(level: Int32) {
        switch Int(level) {
        case Int(texstim_level_avx512): self = .avx512
        case Int(texstim_level_avx2): self = .avx2
        default: self = .openBLAS
        }
    }

    /// Whether this kernel is ours and this CPU can run it (else callers use OpenBLAS). Tests
    /// call a lower level than `machine` explicitly, to check both kernels on one machine.
    var runsOwnCode: Bool { self != .openBLAS && level <= Self.cpuBest.level }

    /// texstim's own kernels this CPU runs, best first (the tests check each).
    /// Whether this kernel can compute products in this process (OpenBLAS always can), e.g. to
    /// reproduce a record with the kernel it names.
    public var runsHere: Bool { self == .openBLAS || runsOwnCode }

    public static var ownKernels: [ProductKernel] { allCases.filter(\.runsOwnCode) }

    /// The level of the Winograd transforms that go with this kernel: its own where the CPU has
    /// it, else the baseline code.
    var transformLevel: Int32 { runsOwnCode ? level : Int32(texstim_level_none) }

    /// C (m × n) = A · B, or Aᵀ · B with `transposeA`, row-major, single-threaded, C
    /// overwritten; `kernel` is this machine's unless a test compares them.
    public static func product(kernel: ProductKernel = machine, transposeA: Bool, m: Int, n: Int, k: Int,
                               a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                               c: UnsafeMutablePointer<Float>, ldc: Int) {
        if kernel.runsOwnCode {
            texstim_winograd_gemm(
                kernel.level, Int32(m), Int32(n), Int32(k), a, lda, transposeA ? 1 : 0, b, ldb, c, ldc)
        } else {
            BLAS.sgemm(transposeA: transposeA, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
        }
    }

    /// The same product on up to `threads` threads. Our kernel splits C into blocks of whole
    /// 64-column groups; each element of C is the same chain of fused multiply–adds whichever
    /// block computes it, so the bits do not depend on `threads`. OpenBLAS goes through
    /// BLAS.parallelSgemm (whose last bits can depend on `threads`, as documented there).
    public static func parallelProduct(kernel: ProductKernel, transposeA: Bool, m: Int, n: Int, k: Int,
                                       a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                       c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int) {
        guard kernel.runsOwnCode else {
            return BLAS.parallelSgemm(transposeA: transposeA, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                                      c: c, ldc: ldc, threads: threads)
        }
        let groups = (n + 63) / 64, blocks = max(1, min(threads, groups))
        let (sharedA, sharedB, sharedC) = (SharedPointer(UnsafeMutablePointer(mutating: a)),
                                           SharedPointer(UnsafeMutablePointer(mutating: b)), SharedPointer(c))
        parallelChunks(count: blocks, threads: blocks) { range in
            for block in range {
                let first = 64 * (groups * block / blocks), end = min(n, 64 * (groups * (block + 1) / blocks))
                guard end > first else { continue }
                product(kernel: kernel, transposeA: transposeA, m: m, n: end - first, k: k, a: sharedA.base, lda: lda,
                        b: sharedB.base + first, ldb: ldb, c: sharedC.base + first, ldc: ldc)
            }
        }
    }
}
