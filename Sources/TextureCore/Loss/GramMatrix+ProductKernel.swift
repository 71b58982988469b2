// GramMatrix+ProductKernel: G = F Fᵀ / M on texstim's own product kernel, so no hot path waits on OpenBLAS.
//
// Size letters as in GramMatrix.swift: N channels, M positions, F is N × M row-major.
//
// Why: OpenBLAS's ssyrk runs whatever kernel OpenBLAS picked at load time; on CPUs it does not
// know (0.3.21 on Intel family 6 model 207) that is its generic SSE3 kernel, 3–5× slower than
// this machine's product kernel. The product kernel computes C = A · B with B's rows
// contiguous, so each chunk of positions is first transposed (texstim_transpose.c, 8 × 8 vector
// blocks; a scalar loop cost as much as the product) into a small buffer T = F[·, chunk]ᵀ
// (chunk × N), which stays in L2 while every band of G's rows passes over it.

internal import CWinograd

extension GramMatrix {
    /// Positions per chunk: T (positions × N floats) is about 256 KB, a quarter of the smallest
    /// L2 among the CPUs we meet, and the chunk is a whole number of 16-float vectors.
    static func chunkPositions(channels n: Int) -> Int { max(16, (65_536 / max(1, n)) & ~15) }

    /// Rows of G per product call: a multiple of the kernel's 6-row register block.
    static let bandRows = 48

    /// G = F Fᵀ / M computed with `kernel` (which must run our own code).
    ///
    /// Equation: G[i][j] = (Σ_c Σ_{p ∈ chunk c} F[i][p] F[j][p]) / M. Each chunk's sum is one
    /// chain of fused multiply–adds in increasing p (the product kernel's contract); the chunk
    /// sums are added in chunk order. The chunk length depends on N only, and which thread
    /// computes a row changes nothing in that chain, so the bits do not depend on `threads`.
    /// Only the upper triangle (and the diagonal bands) is computed, then mirrored.
    static func computeWithProductKernel(_ features: Tensor, threads: Int, kernel: ProductKernel) -> [Float] {
        let n = features.shape.channels, m = features.shape.positions
        var gram = [Float](repeating: 0, count: n * n)
        guard n > 0, m > 0 else { return gram }
        let parts = max(1, min(threads, n))
        features.data.withUnsafeBufferPointer { f in
            gram.withUnsafeMutableBufferPointer { g in
                let (sharedF, sharedG) = (
                    SharedPointer(UnsafeMutablePointer(mutating: f.baseAddress!)), SharedPointer(g.baseAddress!)
                )
                parallelChunks(count: parts, threads: parts) { range in
                    for part in range {
                        let rows = balancedRows(part: part, of: parts, channels: n)
                        guard !rows.isEmpty else { continue }
                        upperRows(rows, features: sharedF.base, channels: n, positions: m, gram: sharedG.base,
                                  kernel: kernel)
                    }
                }
                let scale = 1 / Float(m)
                for i in 0..<n {
                    for j in i..<n { g[i * n + j] *= scale }
                    for j in 0..<i { g[i * n + j] = g[j * n + i] }
                }
            }
        }
        return gram
    }

    /// Rows [r_t, r_{t+1}) of part t of T, with equal shares of the upper triangle: rows up to r
    /// hold N·r − r²/2 elements, which is t/T of N²/2 at r = N (1 − √(1 − t/T)).
    static func balancedRows(part: Int, of parts: Int, channels n: Int) -> Range<Int> {
        func start(_ t: Int) -> Int {
            t >= parts ? n : Int((Double(n) * (1 - (1 - Double(t) / Double(parts)).squareRoot())).rounded())
        }
        return start(part)..<start(part + 1)
    }

    /// The upper-triangle elements G[i][j], j ≥ i, of `rows` (unscaled sums), plus the lower
    /// elements inside each band (mirrored over afterwards).
    private static func upperRows(
        _ rows: Range<Int>, features f: UnsafeMutablePointer<Float>, channels n: Int, positions m: Int,
        gram g: UnsafeMutablePointer<Float>, kernel: ProductKernel
    ) {
        let chunk = chunkPositions(channels: n), first = rows.lowerBound, width = n - first
        let transposed = UnsafeMutablePointer<Float>.allocate(capacity: chunk * width)
        let band = UnsafeMutablePointer<Float>.allocate(capacity: bandRows * width)
        defer { transposed.deallocate(); band.deallocate() }
        for p0 in stride(from: 0, to: m, by: chunk) {
            let k = min(chunk, m - p0)
            transpose(f + first * m + p0, rows: width, columns: k, rowStride: m, into: transposed)
            for i0 in stride(from: first, to: rows.upperBound, by: bandRows) {
                let height = min(bandRows, rows.upperBound - i0), columns = n - i0
                ProductKernel.product(
                    kernel: kernel, transposeA: false, m: height, n: columns, k: k, a: f + i0 * m + p0, lda: m,
                    b: transposed + (i0 - first), ldb: width, c: band, ldc: columns)
                for r in 0..<height {
                    let target = g + (i0 + r) * n + i0, source = band + r * columns
                    if p0 == 0 {
                        target.update(from: source, count: columns)
                    } else {
                        for j in 0..<columns { target[j] += source[j] }
                    }
                }
            }
        }
    }

    /// out[p][j] = a[j · rowStride + p] for j < rows, p < columns (out is columns × rows).
    static func transpose(
        _ a: UnsafePointer<Float>, rows: Int, columns: Int, rowStride: Int, into out: UnsafeMutablePointer<Float>
    ) {
        texstim_transpose(a, Int32(rows), Int32(columns), rowStride, out, rows)
    }
}
