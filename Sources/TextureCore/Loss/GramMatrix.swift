// GramMatrix: texture statistics G = F Fᵀ / M of one feature map (Gatys et al. 2015, eq. 1).
//
// Size letters: N channels (filters), M = H·W positions. F is the (N, H, W) feature tensor
// read as an N × M row-major matrix; G is N × N, row-major, symmetric.

public enum GramMatrix {
    /// G = F Fᵀ / M (N × N, row-major) by `kernel` as resolved for `products`: the product
    /// kernel (GramMatrix+ProductKernel.swift) or OpenBLAS (below). Neither's bits depend on `threads`.
    public static func compute(
        _ features: Tensor, threads: Int = 1, kernel: GramKernel = .openBLAS, products: ProductKernel = .machine
    ) -> [Float] {
        switch kernel.resolved(products: products) {
        case .products: return computeWithProductKernel(features, threads: threads, kernel: products)
        case .openBLAS: return computeWithOpenBLAS(features, threads: threads)
        }
    }

    /// G = F Fᵀ / M with half the multiply–adds of sgemm, then mirrored. With F split into top
    /// rows T and bottom rows B, G = [T Tᵀ, T Bᵀ; ·, B Bᵀ]: two ssyrk calls and one sgemm of equal
    /// cost, run on two threads when `threads` > 1. The split never depends on `threads`, so
    /// neither do the bits.
    static func computeWithOpenBLAS(_ features: Tensor, threads: Int) -> [Float] {
        let n = features.shape.channels, m = features.shape.positions
        var gram = [Float](repeating: 0, count: n * n)
        let half = n / 2, alpha = 1 / Float(m)
        features.data.withUnsafeBufferPointer { f in
            gram.withUnsafeMutableBufferPointer { g in
                let (sharedF, sharedG) = (
                    SharedPointer(UnsafeMutablePointer(mutating: f.baseAddress!)), SharedPointer(g.baseAddress!)
                )
                parallelChunks(count: 2, threads: threads) { pieces in
                    for piece in pieces {
                        let (f, g) = (sharedF.base, sharedG.base)
                        if piece == 0 {
                            BLAS.ssyrkUpper(n: half, k: m, alpha: alpha, a: f, lda: m, beta: 0, c: g, ldc: n)
                            BLAS.ssyrkUpper(
                                n: n - half, k: m, alpha: alpha, a: f + half * m, lda: m, beta: 0,
                                c: g + half * n + half, ldc: n)
                        } else if half > 0 {
                            BLAS.sgemm(
                                transposeB: true, m: half, n: n - half, k: m, alpha: alpha, a: f, lda: m,
                                b: f + half * m, ldb: m, c: g + half, ldc: n)
                        }
                    }
                }
                for i in 0..<n {
                    for j in 0..<i { g[i * n + j] = g[j * n + i] }
                }
            }
        }
        return gram
    }

    /// The definition, summed in Double: G[i, j] = Σ_k F[i, k] F[j, k] / M.
    public static func naive(_ features: Tensor) -> [Float] {
        let n = features.shape.channels, m = features.shape.positions
        var gram = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for k in 0..<m { sum += Double(features.data[i * m + k]) * Double(features.data[j * m + k]) }
                gram[i * n + j] = Float(sum / Double(m))
            }
        }
        return gram
    }

    /// dF = (dG + dGᵀ) F / M for a symmetric dG, i.e. dF = 2 · dG · F / M (overwrites dFeatures),
    /// with `products` computing the N × N by N × M product. dGram is N × N; features and
    /// dFeatures are (N, H, W).
    public static func backward(
        dGram: [Float], features: Tensor, dFeatures: inout Tensor, threads: Int = 1,
        products: ProductKernel = .openBLAS
    ) {
        let n = features.shape.channels, m = features.shape.positions
        precondition(dGram.count == n * n && dFeatures.shape == features.shape)
        // Our kernel has no alpha: the factor goes into the small N × N matrix instead.
        let alpha = 2 / Float(m), scaled = products.runsOwnCode ? dGram.map { $0 * alpha } : dGram
        scaled.withUnsafeBufferPointer { dg in
            features.data.withUnsafeBufferPointer { f in
                dFeatures.data.withUnsafeMutableBufferPointer { df in
                    if products.runsOwnCode {
                        ProductKernel.parallelProduct(
                            kernel: products, transposeA: false, m: n, n: m, k: n,
                            a: dg.baseAddress!, lda: n, b: f.baseAddress!, ldb: m,
                            c: df.baseAddress!, ldc: m, threads: threads)
                    } else {
                        BLAS.parallelSgemm(
                            m: n, n: m, k: n, alpha: alpha, a: dg.baseAddress!, lda: n,
                            b: f.baseAddress!, ldb: m, c: df.baseAddress!, ldc: m, threads: threads)
                    }
                }
            }
        }
    }
}
