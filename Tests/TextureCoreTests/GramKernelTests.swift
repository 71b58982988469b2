// GramKernelTests: the Gram matrix on texstim's product kernel against the definition, its thread independence.

import Testing
import TextureCore

@testable import TextureCore

@Suite struct GramKernelTests {
    /// The product kernels that run our own code on this CPU (none: those tests are skipped).
    static let ownKernels = ProductKernel.allCases.filter(\.runsOwnCode)

    /// Shapes across the edges: one channel or position, N not a multiple of 6 or 16, two
    /// chunks of positions (N = 70 → 1872 per chunk) with a short last one, three chunks in
    /// three groups (N = 8: chunks of 16384), more chunks than groups (N = 64: 5 chunks of 2048).
    static let shapes: [(channels: Int, height: Int, width: Int)] = [
        (1, 1, 1), (2, 1, 2), (7, 3, 5), (16, 4, 4), (70, 40, 50), (130, 17, 19), (64, 64, 64), (8, 200, 200),
        (64, 96, 96),
    ]

    @Test(.enabled(if: !GramKernelTests.ownKernels.isEmpty, "this CPU has no own product kernel: GramMatrix uses ssyrk"))
    func matchesTheDefinitionOnEveryShape() {
        for kernel in Self.ownKernels {
            for (index, shape) in Self.shapes.enumerated() {
                let features = randomTensor(
                    Shape(shape.channels, shape.height, shape.width), seed: 60 + UInt64(index), offset: 0.3)
                let fast = GramMatrix.compute(features, threads: 2, kernel: .products, products: kernel)
                let naive = GramMatrix.naive(features)
                let largest = naive.map(abs).max() ?? 0
                let difference = maxAbs(zip(fast, naive).map { $0 - $1 })
                let ssyrk = maxAbs(zip(GramMatrix.compute(features, threads: 2), naive).map { $0 - $1 })
                print("Gram \(kernel.rawValue) \(shape): max difference \(difference) of \(largest) (ssyrk: \(ssyrk))")
                // Runs of 256 positions, as accurate as ssyrk (whole 16384-position chains erred 2e-6).
                #expect(difference <= 1e-6 * max(largest, 1e-30), "\(kernel) \(shape)")
                // Symmetric exactly: the lower triangle is the upper one mirrored.
                let n = shape.channels
                for i in 0..<n { for j in 0..<i { #expect(fast[i * n + j] == fast[j * n + i]) } }
            }
        }
    }

    /// 5 chunks of 2048 positions in 4 groups: 3 threads split the groups unevenly, 8 have idle ones.
    @Test(.enabled(if: !GramKernelTests.ownKernels.isEmpty, "this CPU has no own product kernel: GramMatrix uses ssyrk"))
    func bitsDoNotDependOnTheThreadCount() {
        let features = randomTensor(Shape(64, 96, 96), seed: 71)
        let reference = GramMatrix.compute(features, threads: 1, kernel: .products, products: Self.ownKernels[0])
        for kernel in Self.ownKernels {
            let one = GramMatrix.compute(features, threads: 1, kernel: .products, products: kernel)
            // The AVX2 and AVX-512 kernels run the same chains of fused multiply–adds.
            #expect(one.map(\.bitPattern) == reference.map(\.bitPattern), "\(kernel) against \(Self.ownKernels[0])")
            for threads in [2, 3, 8] {
                let many = GramMatrix.compute(features, threads: threads, kernel: .products, products: kernel)
                #expect(many.map(\.bitPattern) == one.map(\.bitPattern), "\(kernel), \(threads) threads")
            }
        }
    }

    @Test(arguments: [(3, 4), (8, 8), (13, 21), (16, 9)])
    func transposeMatchesTheDefinition(rows: Int, columns: Int) {
        // Whole 8 × 8 vector blocks, the right and bottom edges, and a row stride wider than a row.
        let stride = columns + 3
        let a = (0..<(rows * stride)).map { Float($0) }
        var out = [Float](repeating: -1, count: rows * columns)
        a.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { o in
                GramMatrix.transpose(a.baseAddress!, rows: rows, columns: columns, rowStride: stride, into: o.baseAddress!)
            }
        }
        for p in 0..<columns { for j in 0..<rows { #expect(out[p * rows + j] == a[j * stride + p], "[\(p)][\(j)]") } }
    }

    @Test func winogradAsksForTheProductKernelAndDirectForSsyrk() {
        #expect(ConvolutionChoice.winograd.algorithm.gram == .products)
        #expect(ConvolutionChoice.winograd.algorithm(gram: .openBLAS).gram == .openBLAS)
        #expect(ConvolutionChoice.direct.algorithm(gram: .products).gram == .openBLAS)
        #expect(GramKernel.products.resolved(products: .openBLAS) == .openBLAS)
    }
}
