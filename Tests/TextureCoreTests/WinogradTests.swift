// WinogradTests: Winograd F(4×4, 3×3) against the naive and the direct (im2col) convolution,
// with stated error bounds per layer of VGG-19, for the loss and for its gradient.

import Testing
import TextureCore

@Suite struct WinogradTests {
    /// Largest |a − b| relative to the largest |b|.
    static func relativeMaxError(_ a: Tensor, _ b: Tensor) -> Double {
        Double(a.maxAbsDifference(b)) / Double(max(maxAbs(b.data), 1e-30))
    }

    /// ‖a − b‖ / ‖b‖ over all elements.
    static func relativeNormError(_ a: Tensor, _ b: Tensor) -> Double {
        var difference = 0.0, norm = 0.0
        for (x, y) in zip(a.data, b.data) {
            difference += Double(x - y) * Double(x - y)
            norm += Double(y) * Double(y)
        }
        return (difference / max(norm, 1e-300)).squareRoot()
    }

    /// Sizes that are and are not multiples of the 4×4 tile, down to a single pixel; widths 24,
    /// 28 and 36 take each shifted edge vector of the input transform's row loader (and 17 its
    /// per-lane path). A 1 KB workspace limit forces one tile row per block, and 10–18 such
    /// blocks have each of 2 or 3 threads take whole blocks. Measured errors are 1–3e-6. Every
    /// kernel level this CPU runs: its products and its transforms' code (OpenBLAS: baseline).
    @Test(arguments: [(8, 5, 9, 7, 48 << 20), (9, 16, 4, 4, 48 << 20), (8, 3, 1, 1, 48 << 20),
                      (12, 8, 13, 6, 1024), (8, 8, 16, 17, 1024), (8, 8, 40, 9, 1024), (10, 9, 70, 5, 1024),
                      (8, 8, 6, 24, 48 << 20), (8, 8, 5, 28, 1024), (8, 8, 3, 36, 48 << 20)],
          ProductKernel.ownKernels + [.openBLAS])
    func forwardAndBackwardMatchNaive(
        shape: (inChannels: Int, outChannels: Int, height: Int, width: Int, limit: Int), products: ProductKernel
    ) {
        let (inChannels, outChannels, height, width, limit) = shape
        let conv = LayerTests.layer(inChannels, outChannels, kernel: 3, padding: 1, seed: 71)
        #expect(WinogradConvolution.applies(to: conv))
        let input = randomTensor(Shape(inChannels, height, width), seed: 72)
        let algorithm = WinogradConvolution(workspaceLimitBytes: limit, products: products)
        let naive = conv.naiveForward(input)
        let dOutput = randomTensor(naive.shape, seed: 73)
        let initial = randomTensor(input.shape, seed: 74)  // backward adds to what is there
        var expectedInput = conv.naiveBackward(dOutput: dOutput, inputShape: input.shape)
        for i in expectedInput.data.indices { expectedInput.data[i] += initial.data[i] }
        var reluReference = naive
        ReLU.forward(&reluReference)
        for threads in [1, 2, 3] {
            var output = Tensor(naive.shape)
            algorithm.forward(conv, input: input, output: &output, relu: false, scratch: ScratchBuffer(), threads: threads)
            #expect(Self.relativeMaxError(output, naive) < 1e-5)
            algorithm.forward(conv, input: input, output: &output, relu: true, scratch: ScratchBuffer(), threads: threads)
            #expect(Self.relativeMaxError(output, reluReference) < 1e-5)
            var dInput = initial
            algorithm.backward(conv, dOutput: dOutput, dInput: &dInput, scratch: ScratchBuffer(), threads: threads)
            #expect(Self.relativeMaxError(dInput, expectedInput) < 1e-5)
            // The fused ReLU mask, written over dInput: both algorithms against the naive.
            var masked = dOutput
            ReLU.backward(&masked, output: reluReference)
            let expectedMasked = conv.naiveBackward(dOutput: masked, inputShape: input.shape)
            for fused in [algorithm, Im2ColConvolution()] as [any ConvolutionAlgorithm] {
                var written = initial
                fused.backward(conv, dOutput: dOutput, reluOutput: reluReference, dInput: &written, accumulate: false,
                               scratch: ScratchBuffer(), threads: threads)
                #expect(Self.relativeMaxError(written, expectedMasked) < 1e-5)
            }
        }
    }

    /// Our product kernels (AVX-512 and AVX2, where the CPU has them) against cblas_sgemm, both
    /// operand orders, with shapes that exercise every row band (6, 4, 2, 1), every column block
    /// (AVX-512: 64, 48, 32, 16, partial; AVX2: 16, 8, partial), the next-band prefetch and the
    /// strip order for a large B (40 × 2100 × 64); leading dimensions are wider than the
    /// matrices. Measured: 0.4–8e-7 of the largest value, growing with k (the two sum in
    /// different orders), bound 4e-6.
    @Test(.enabled(if: !ProductKernel.ownKernels.isEmpty, "needs AVX2 and FMA, or AVX-512F"),
          arguments: [(1, 1, 1), (16, 16, 8), (31, 37, 9), (64, 80, 64), (23, 250, 40), (512, 16, 300), (40, 2100, 64),
                      (5, 24, 3), (3, 7, 2), (11, 56, 17)],
          ProductKernel.ownKernels)
    func productKernelMatchesOpenBLAS(shape: (m: Int, n: Int, k: Int), kernel: ProductKernel) {
        let (m, n, k) = shape
        for transposeA in [false, true] {
            let (rowsA, columnsA) = transposeA ? (k, m) : (m, k)
            let (lda, ldb, ldc) = (columnsA + 3, n + 5, n + 7)
            let a = randomTensor(Shape(1, rowsA, lda), seed: 91).data, b = randomTensor(Shape(1, k, ldb), seed: 92).data
            var ours = [Float](repeating: .nan, count: m * ldc), reference = ours
            ProductKernel.product(kernel: kernel, transposeA: transposeA, m: m, n: n, k: k, a: a, lda: lda,
                                  b: b, ldb: ldb, c: &ours, ldc: ldc)
            ProductKernel.product(kernel: .openBLAS, transposeA: transposeA, m: m, n: n, k: k, a: a, lda: lda,
                                  b: b, ldb: ldb, c: &reference, ldc: ldc)
            var largest: Float = 0, difference: Float = 0
            for row in 0..<m {
                for column in 0..<n {
                    largest = max(largest, abs(reference[row * ldc + column]))
                    difference = max(difference, abs(ours[row * ldc + column] - reference[row * ldc + column]))
                }
                // Columns past n belong to the caller and stay untouched.
                #expect(ours[(row * ldc + n)..<((row + 1) * ldc)].allSatisfy { $0.isNaN })
            }
            #expect(Double(difference) <= 4e-6 * Double(max(largest, 1e-30)),
                    "\(kernel) transposeA \(transposeA): \(difference) of \(largest)")
        }
    }

    /// parallelProduct with our kernel splits C by whole 64-column groups: the same bits for any
    /// thread count, and the same as one single-threaded product. The single product (B of
    /// 525 KB) runs by column strips, the split ones by rows: both orders give the same bits.
    @Test(.enabled(if: !ProductKernel.ownKernels.isEmpty, "needs AVX2 and FMA, or AVX-512F"),
          arguments: ProductKernel.ownKernels)
    func parallelProductIsBitwiseTheSingleProduct(kernel: ProductKernel) {
        let (m, n, k) = (27, 2100, 64)
        let a = randomTensor(Shape(1, k, m), seed: 93).data, b = randomTensor(Shape(1, k, n), seed: 94).data
        var single = [Float](repeating: 0, count: m * n)
        ProductKernel.product(kernel: kernel, transposeA: true, m: m, n: n, k: k, a: a, lda: m, b: b, ldb: n,
                              c: &single, ldc: n)
        for threads in [1, 2, 3, 16] {
            var parallel = [Float](repeating: .nan, count: m * n)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    parallel.withUnsafeMutableBufferPointer { c in
                        ProductKernel.parallelProduct(kernel: kernel, transposeA: true, m: m, n: n, k: k,
                                                      a: a.baseAddress!, lda: m, b: b.baseAddress!, ldb: n,
                                                      c: c.baseAddress!, ldc: n, threads: threads)
                    }
                }
            }
            #expect(parallel == single, "\(kernel) threads \(threads)")
        }
    }

    /// Blocks are cut by bytes, never by threads, and each product is single-threaded: the bits
    /// must not depend on the thread count, whether the threads share one block (one 48 MB
    /// block) or take whole blocks (18 blocks of 64 KB), at every kernel level this CPU runs.
    @Test(arguments: [48 << 20, 64 << 10], ProductKernel.ownKernels + [.openBLAS])
    func bitwiseIndependentOfThreadCount(workspaceLimitBytes: Int, products: ProductKernel) {
        let conv = LayerTests.layer(16, 24, kernel: 3, padding: 1, seed: 81)
        let input = randomTensor(Shape(16, 70, 30), seed: 82)
        let algorithm = WinogradConvolution(workspaceLimitBytes: workspaceLimitBytes, products: products)
        var outputs: [[Float]] = [], gradients: [[Float]] = []
        for threads in [1, 2, 4] {
            var output = Tensor(conv.outputShape(for: input.shape))
            algorithm.forward(conv, input: input, output: &output, relu: true, scratch: ScratchBuffer(), threads: threads)
            var dInput = Tensor(input.shape)
            algorithm.backward(conv, dOutput: output, dInput: &dInput, scratch: ScratchBuffer(), threads: threads)
            outputs.append(output.data)
            gradients.append(dInput.data)
        }
        #expect(outputs.allSatisfy { $0 == outputs[0] })
        #expect(gradients.allSatisfy { $0 == gradients[0] })
    }

    /// Full-width VGG-19 (seeded He weights) at 64² on a noise image in the caffe input range:
    /// every activation to pool4, the loss, and its gradient, Winograd against direct.
    /// Bounds (measured values in docs/performance.md): activations 1e-5 of the layer's largest value,
    /// loss 1e-5 relative, gradient 1e-3 in relative L2 norm (the gradient crosses 12 ReLU
    /// masks, and a unit whose pre-activation is within rounding of 0 may switch). Every kernel
    /// level this CPU runs.
    @Test(arguments: ProductKernel.ownKernels + [.openBLAS])
    func vgg19LayersLossAndGradientAgreeWithDirect(products: ProductKernel) {
        let model = VGG19Weights.random(seed: 5)
        let layers = model.layerNames.prefix(through: model.layerNames.firstIndex(of: "pool4")!).map { $0 }
        let shape = Shape(3, 64, 64)
        let source = randomTensor(shape, seed: 91, scale: 60), x = randomTensor(shape, seed: 92, scale: 60)
        var results: [(features: [Tensor], loss: Double, gradient: Tensor)] = []
        let algorithms: [any ConvolutionAlgorithm] = [Im2ColConvolution(), WinogradConvolution(products: products)]
        for algorithm in algorithms {
            let network = model.makeNetwork(input: shape, layers: layers, threads: 2, convolution: algorithm)
            let matched = LayerPresets.gatysReferenceLayers.map { layers.firstIndex(of: $0)! }
            let sourceFeatures = network.forward(source)
            // The loss's Gram gradient uses the algorithm's product kernel, as in TextureObjective.
            let loss = TextureLoss(terms: model.terms(layers: LayerPresets.gatysReferenceLayers),
                                   sourceFeatures: matched.map { sourceFeatures[$0] }, products: algorithm.products)
            let features = network.forward(x)
            var gradients: [Tensor] = []
            let total = loss.evaluate(matched.map { features[$0] }, gradients: &gradients).total
            var all = features.map { Tensor($0.shape) }
            for (term, index) in matched.enumerated() { all[index] = gradients[term] }
            results.append((features, total, network.backward(featureGradients: all)))
        }
        let (direct, winograd) = (results[0], results[1])
        for (index, layer) in layers.enumerated() {
            let error = Self.relativeMaxError(winograd.features[index], direct.features[index])
            print("winograd (\(products.rawValue)) vs direct at 64²: \(layer) \(error)")
            #expect(error < 1e-5, "\(layer): max error \(error) of the layer's largest value")
        }
        let lossError = relativeError(winograd.loss, direct.loss)
        let gradientError = Self.relativeNormError(winograd.gradient, direct.gradient)
        print("winograd (\(products.rawValue)) vs direct at 64²: loss \(lossError), gradient \(gradientError)")
        #expect(lossError < 1e-5)
        #expect(gradientError < 1e-3)
    }
}
