// BLAS: the only file that imports OpenBLAS (CBLAS); row-major single-precision wrappers.
internal import CBLAS

public enum BLAS {
    /// C = alpha · op(A) · op(B) + beta · C, all row-major float32.
    ///
    /// op(A) is M×K, op(B) is K×N, C is M×N. `lda`, `ldb`, `ldc` are the row strides of the
    /// matrices *as stored* (A stored M×K has lda ≥ K; stored transposed K×M it has lda ≥ M).
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        _ = singleThreaded
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }

    /// The same product computed by up to `threads` single-threaded sgemm calls on disjoint
    /// column blocks of C (or row blocks when C has more rows than columns).
    ///
    /// texstim runs OpenBLAS with one thread and parallelises by itself: OpenBLAS's idle workers
    /// spin (sched_yield) between calls and steal the cores from our own threads in im2col.
    /// Results are bitwise repeatable for a given thread count, but the last bits can differ
    /// between thread counts (OpenBLAS's edge kernels round differently for other block widths);
    /// provenance records the thread count, and the pipeline runs one thread per worker.
    public static func parallelSgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
    ) {
        let splitColumns = n >= m
        let blocks = max(1, min(threads, (splitColumns ? n : m) / 16))
        let sharedA = SharedPointer(UnsafeMutablePointer(mutating: a))
        let sharedB = SharedPointer(UnsafeMutablePointer(mutating: b))
        let sharedC = SharedPointer(c)
        parallelChunks(count: blocks, threads: blocks) { range in
            for block in range {
                if splitColumns {
                    // Column blocks aligned to 16 floats keep the kernel's vector loads aligned.
                    let j0 = (n * block / blocks) & ~15, j1 = block == blocks - 1 ? n : (n * (block + 1) / blocks) & ~15
                    guard j1 > j0 else { continue }
                    sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: j1 - j0, k: k, alpha: alpha,
                          a: sharedA.base, lda: lda, b: sharedB.base + (transposeB ? j0 * ldb : j0), ldb: ldb,
                          beta: beta, c: sharedC.base + j0, ldc: ldc)
                } else {
                    let i0 = m * block / blocks, i1 = m * (block + 1) / blocks
                    guard i1 > i0 else { continue }
                    sgemm(transposeA: transposeA, transposeB: transposeB, m: i1 - i0, n: n, k: k, alpha: alpha,
                          a: sharedA.base + (transposeA ? i0 : i0 * lda), lda: lda, b: sharedB.base, ldb: ldb,
                          beta: beta, c: sharedC.base + i0 * ldc, ldc: ldc)
                }
            }
        }
    }

    /// Upper triangle of C = alpha · A · Aᵀ + beta · C (A is N×K row-major, C is N×N).
    /// Only the upper triangle is written; callers mirror it when they need the full matrix.
    public static func ssyrkUpper(
        n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        _ = singleThreaded
        cblas_ssyrk(
            CblasRowMajor, CblasUpper, CblasNoTrans, blasint(n), blasint(k), alpha, a,
            blasint(lda), beta, c, blasint(ldc))
    }

    /// OpenBLAS runs single-threaded in texstim (see parallelSgemm); set once, before the first call.
    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// Sets OpenBLAS to one thread (once; later calls do nothing). The wrappers here call it
    /// themselves; code that reaches OpenBLAS by another route (L-BFGS-B's Fortran) calls it first.
    public static func useOneThread() { _ = singleThreaded }

    public static var threads: Int {
        _ = singleThreaded
        return Int(openblas_get_num_threads())
    }

    /// The kernel OpenBLAS chose at load time (e.g. "Haswell", "SkylakeX"); it depends on
    /// the CPU and on OPENBLAS_CORETYPE, and it changes the bits of every result.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}
