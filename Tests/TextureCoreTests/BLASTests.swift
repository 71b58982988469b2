// BLASTests: sgemm and ssyrk against hand-computed products (proves linking and layout).

import Testing
import TextureCore

@Suite struct BLASTests {
    @Test func sgemmTwoByThreeTimesThreeByTwo() {
        let a: [Float] = [1, 2, 3, 4, 5, 6]        // 2 × 3
        let b: [Float] = [7, 8, 9, 10, 11, 12]     // 3 × 2
        var c = [Float](repeating: 0, count: 4)
        BLAS.sgemm(m: 2, n: 2, k: 3, a: a, lda: 3, b: b, ldb: 2, c: &c, ldc: 2)
        #expect(c == [58, 64, 139, 154])
    }

    @Test func transposedOperandsAndParallelSplitsAgree() {
        let m = 37, n = 300, k = 19
        let a = randomTensor(Shape(1, m, k), seed: 1).data, b = randomTensor(Shape(1, k, n), seed: 2).data
        var reference = [Float](repeating: 0, count: m * n)
        BLAS.sgemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &reference, ldc: n)
        for threads in [1, 2, 3] {
            var c = [Float](repeating: 0, count: m * n)
            BLAS.parallelSgemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n, threads: threads)
            // Not bitwise: OpenBLAS's edge kernels round differently for other block widths.
            #expect(maxAbs(zip(c, reference).map { $0 - $1 }) < 1e-5)
            var again = [Float](repeating: 0, count: m * n)
            BLAS.parallelSgemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &again, ldc: n, threads: threads)
            #expect(again == c, "same thread count, same bits")
        }
        // Aᵀ stored k × m, B stored n × k: the same product.
        var at = [Float](repeating: 0, count: k * m), bt = [Float](repeating: 0, count: n * k)
        for i in 0..<m { for j in 0..<k { at[j * m + i] = a[i * k + j] } }
        for i in 0..<k { for j in 0..<n { bt[j * k + i] = b[i * n + j] } }
        var c = [Float](repeating: 0, count: m * n)
        BLAS.parallelSgemm(transposeA: true, transposeB: true, m: m, n: n, k: k, a: at, lda: m, b: bt, ldb: k,
                           c: &c, ldc: n, threads: 2)
        #expect(maxAbs(zip(c, reference).map { $0 - $1 }) < 1e-5)
    }

    @Test func ssyrkUpperTriangle() {
        let a: [Float] = [1, 2, 3, 4]  // 2 × 2
        var c: [Float] = [0, -1, -1, 0]
        BLAS.ssyrkUpper(n: 2, k: 2, alpha: 1, a: a, lda: 2, beta: 0, c: &c, ldc: 2)
        #expect(c[0] == 5 && c[1] == 11 && c[3] == 25)
    }

    @Test func reportsTheKernel() {
        #expect(!BLAS.coreName.isEmpty)
        #expect(BLAS.threads == 1)
    }
}
