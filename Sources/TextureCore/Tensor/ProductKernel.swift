// ProductKernel: which code computes a run's matrix products, texstim's AVX-512 kernel or OpenBLAS.

internal import CWinograd

/// The code behind the matrix products of a run. The direct algorithm (the reference) always
/// uses OpenBLAS. With Winograd convolution the machine's kernel computes the 36 products of
/// every Winograd layer, the im2col products of conv1_1 (and of the embedded model) and the
/// Gram gradient (ConvolutionAlgorithm.products); provenance records it as
/// `machine.winograd_products`. The Gram matrices themselves stay with OpenBLAS's ssyrk either
/// way: a 4 × 4-block AVX-512 version was no faster over the five Gatys layers (faster at 64
/// channels, slower at 512).
public enum ProductKernel: String, Sendable, CaseIterable {
    /// CWinograd's own kernel (texstim_winograd_gemm.c): no packing, no zeroing of C first.
    case avx512 = "texstim-avx512"
    /// cblas_sgemm, with whichever kernel OpenBLAS chose (BLAS.coreName).
    case openBLAS = "openblas"

    /// Ours where the CPU has AVX-512F, else OpenBLAS. Fixed per machine, so one machine always
    /// computes the same bits. Single-threaded on the Winograd products' shapes ours measured
    /// 1.0–1.9× OpenBLAS's AVX-512 kernel and 1.0–1.3× its Haswell kernel.
    public static let machine: ProductKernel = texstim_winograd_gemm_available() != 0 ? .avx512 : .openBLAS

    /// Whether this kernel is ours and can run here (else callers use OpenBLAS).
    var runsOwnCode: Bool { self == .avx512 && Self.machine == .avx512 }

    /// C (m × n) = A · B, or Aᵀ · B with `transposeA`, row-major, single-threaded, C
    /// overwritten; `kernel` is this machine's unless a test compares the two.
    public static func product(kernel: ProductKernel = machine, transposeA: Bool, m: Int, n: Int, k: Int,
                               a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                               c: UnsafeMutablePointer<Float>, ldc: Int) {
        if kernel.runsOwnCode {
            texstim_winograd_gemm(Int32(m), Int32(n), Int32(k), a, lda, transposeA ? 1 : 0, b, ldb, c, ldc)
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
                product(kernel: .avx512, transposeA: transposeA, m: m, n: end - first, k: k, a: sharedA.base, lda: lda,
                        b: sharedB.base + first, ldb: ldb, c: sharedC.base + first, ldc: ldc)
            }
        }
    }
}
