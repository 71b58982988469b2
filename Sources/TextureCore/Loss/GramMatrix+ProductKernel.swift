// GramMatrix+ProductKernel: G = F Fᵀ / M on texstim's own product kernel, so no hot path waits on OpenBLAS.
//
// Size letters as in GramMatrix.swift: N channels, M positions, F is N × M row-major.
//
// Why: OpenBLAS's ssyrk runs whatever kernel OpenBLAS picked at load time; on CPUs it does not
// know (0.3.21 on Intel family 6 model 207) that is its generic SSE3 kernel, 3–5× slower than
// this machine's product kernel. The product kernel computes C = A · B with B's rows
// contiguous, so each chunk of positions is first transposed (texstim_transpose.c, 8 × 8 vector
// blocks; a scalar loop cost as much as the product) into a small buffer T = F[·, chunk]ᵀ
// (chunk × N), which stays in L2 while every band of G's rows passes over it. Threads take
// whole groups of chunks (a fixed number of groups, so the sum's order never depends on the
// thread count); splitting G's rows instead made each thread transpose the columns it needed
// again and left column counts that were not whole vectors: 2 threads were 3× slower than one.

internal import CWinograd

extension GramMatrix {
    /// Positions per chunk: T (positions × N floats) is about 512 KB, half the smallest L2 among
    /// the CPUs we meet (Zen 4: 1 MB), and the chunk is a whole number of 16-float vectors. At
    /// 256 KB, N = 512 took 128 positions per product call and ran 5–10% slower than ssyrk.
    static func chunkPositions(channels n: Int) -> Int { max(16, (131_072 / max(1, n)) & ~15) }

    /// Positions per chain of fused multiply–adds: partial sums of 256 products, then added up,
    /// as ssyrk's blocking does. Whole 16384-position chains (N = 8) erred 10× more than ssyrk
    /// (2.4e-6 against 2.4e-7 of the largest element).
    static let sumPositions = 256

    /// Rows of G per product call: a multiple of the kernel's 6-row register block and of 16, so
    /// that each band's N − i0 columns are whole vectors whenever N is a multiple of 16 (VGG's are).
    static let bandRows = 48

    /// The positions are cut into this many groups of whole chunks (fewer when there are fewer
    /// chunks); a group is one thread's work. Fixed, so that results do not depend on threads.
    static let positionGroups = 4

    /// G = F Fᵀ / M computed with `kernel` (which must run our own code).
    ///
    /// Equation: G[i][j] = (Σ_g Σ_{s ∈ group g} Σ_{p ∈ s} F[i][p] F[j][p]) / M over runs s of 256
    /// positions. Each run's sum is one chain of fused multiply–adds in increasing p (the product
    /// kernel's contract), run sums are added in order within a group, and group sums in group
    /// order. Chunk, run and group sizes depend on N and M only, so the bits do not depend on
    /// `threads`. Only the
    /// upper triangle (and the lower part of each diagonal band) is computed, then mirrored.
    static func computeWithProductKernel(_ features: Tensor, threads: Int, kernel: ProductKernel) -> [Float] {
        let n = features.shape.channels, m = features.shape.positions
        var gram = [Float](repeating: 0, count: n * n)
        guard n > 0, m > 0 else { return gram }
        let chunk = chunkPositions(channels: n), chunks = (m + chunk - 1) / chunk
        let groups = min(positionGroups, chunks)
        // Group 0 sums into `gram` itself, the others into their own N × N partial sums.
        var partials = [Float](repeating: 0, count: (groups - 1) * n * n)
        features.data.withUnsafeBufferPointer { f in
            gram.withUnsafeMutableBufferPointer { g in
                partials.withUnsafeMutableBufferPointer { partial in
                    let shared = (
                        f: SharedPointer(UnsafeMutablePointer(mutating: f.baseAddress!)),
                        g: SharedPointer(g.baseAddress!), partial: SharedPointer(partial.baseAddress ?? g.baseAddress!)
                    )
                    parallelChunks(count: groups, threads: threads) { range in
                        for group in range {
                            let first = chunks * group / groups * chunk
                            let end = min(m, chunks * (group + 1) / groups * chunk)
                            let target = group == 0 ? shared.g.base : shared.partial.base + (group - 1) * n * n
                            upperTriangle(
                                features: shared.f.base, channels: n, positions: m, range: first..<end, into: target,
                                kernel: kernel)
                        }
                    }
                    let scale = 1 / Float(m)
                    for i in 0..<n {
                        for group in 1..<groups {
                            let row = shared.partial.base + (group - 1) * n * n + i * n
                            for j in i..<n { g[i * n + j] += row[j] }
                        }
                        for j in i..<n { g[i * n + j] *= scale }
                        for j in 0..<i { g[i * n + j] = g[j * n + i] }
                    }
                }
            }
        }
        return gram
    }

    /// The unscaled sums over positions `range` of G's upper triangle (and of the lower part of
    /// each diagonal band), written into `target` (N × N): chunk by chunk, each chunk transposed
    /// into T and multiplied band of rows by band of rows.
    private static func upperTriangle(
        features f: UnsafeMutablePointer<Float>, channels n: Int, positions m: Int, range: Range<Int>,
        into target: UnsafeMutablePointer<Float>, kernel: ProductKernel
    ) {
        let chunk = chunkPositions(channels: n)
        let transposed = UnsafeMutablePointer<Float>.allocate(capacity: chunk * n)
        let band = UnsafeMutablePointer<Float>.allocate(capacity: bandRows * n)
        defer { transposed.deallocate(); band.deallocate() }
        for p0 in stride(from: range.lowerBound, to: range.upperBound, by: chunk) {
            let k = min(chunk, range.upperBound - p0)
            transpose(f + p0, rows: n, columns: k, rowStride: m, into: transposed)
            for i0 in stride(from: 0, to: n, by: bandRows) {
                let height = min(bandRows, n - i0), columns = n - i0
                for q0 in stride(from: 0, to: k, by: sumPositions) {
                    ProductKernel.product(
                        kernel: kernel, transposeA: false, m: height, n: columns, k: min(sumPositions, k - q0),
                        a: f + i0 * m + p0 + q0, lda: m, b: transposed + q0 * n + i0, ldb: n, c: band, ldc: columns)
                    for r in 0..<height {
                        let row = target + (i0 + r) * n + i0, source = band + r * columns
                        if p0 == range.lowerBound && q0 == 0 {
                            row.update(from: source, count: columns)
                        } else {
                            for j in 0..<columns { row[j] += source[j] }
                        }
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
