// LayerTests: each layer's fast path against its naive reference, and finite-difference gradients.

import Testing
import TextureCore

@Suite struct LayerTests {
    static func layer(_ c: Int, _ oc: Int, kernel: Int, padding: Int, seed: UInt64) -> Conv2D {
        Conv2D(inChannels: c, outChannels: oc, kernel: kernel, padding: padding,
               weight: randomTensor(Shape(1, 1, oc * c * kernel * kernel), seed: seed).data,
               bias: randomTensor(Shape(1, 1, oc), seed: seed + 1).data)
    }

    /// 3×3 pad 1 (VGG) and 5×5 valid (embedded model); tiny scratch limits force several row
    /// tiles. Both product kernels: Winograd's fallback for conv1_1 uses the machine's own.
    @Test(arguments: [(3, 1, 1 << 20), (3, 1, 200), (5, 0, 1 << 20), (5, 0, 400)], ProductKernel.allCases)
    func convolutionMatchesNaive(shape: (kernel: Int, padding: Int, scratchLimit: Int), products: ProductKernel) {
        let (kernel, padding, scratchLimit) = shape
        let conv = Self.layer(2, 3, kernel: kernel, padding: padding, seed: 5)
        let input = randomTensor(Shape(2, 9, 7), seed: 6)
        let algorithm = Im2ColConvolution(scratchLimitBytes: scratchLimit, products: products)
        var output = Tensor(conv.outputShape(for: input.shape))
        for threads in [1, 2] {
            algorithm.forward(conv, input: input, output: &output, relu: false, scratch: ScratchBuffer(), threads: threads)
            let naive = conv.naiveForward(input)
            #expect(output.maxAbsDifference(naive) < 1e-5)
            let dOutput = randomTensor(output.shape, seed: 8)
            var dInput = Tensor(input.shape)
            algorithm.backward(conv, dOutput: dOutput, dInput: &dInput, scratch: ScratchBuffer(), threads: threads)
            #expect(dInput.maxAbsDifference(conv.naiveBackward(dOutput: dOutput, inputShape: input.shape)) < 1e-5)
        }
    }

    @Test func convolutionReLUFusionAndGradient() {
        let conv = Self.layer(2, 3, kernel: 3, padding: 1, seed: 11)
        let input = randomTensor(Shape(2, 5, 5), seed: 12)
        let algorithm = Im2ColConvolution()
        let weights = randomTensor(conv.outputShape(for: input.shape), seed: 13)
        func loss(_ x: Tensor) -> Double {
            var out = Tensor(conv.outputShape(for: x.shape))
            algorithm.forward(conv, input: x, output: &out, relu: true, scratch: ScratchBuffer(), threads: 1)
            return out.dot(weights)
        }
        var out = Tensor(conv.outputShape(for: input.shape))
        algorithm.forward(conv, input: input, output: &out, relu: true, scratch: ScratchBuffer(), threads: 1)
        var reference = conv.naiveForward(input)
        ReLU.forward(&reference)
        #expect(out.maxAbsDifference(reference) < 1e-5)
        var dOut = weights
        ReLU.backward(&dOut, output: out)
        var dInput = Tensor(input.shape)
        algorithm.backward(conv, dOutput: dOut, dInput: &dInput, scratch: ScratchBuffer(), threads: 1)
        let (analytic, numeric) = directionalCheck(at: input, gradient: dInput, epsilon: 1e-3, loss: loss)
        #expect(relativeError(analytic, numeric) < 1e-2, "analytic \(analytic) numeric \(numeric)")
    }

    @Test func reluGradient() {
        // Values kept away from zero so ±ε never crosses the kink.
        var input = randomTensor(Shape(2, 5, 5), seed: 21)
        for i in input.data.indices { input.data[i] += input.data[i] > 0 ? 0.1 : -0.1 }
        let weights = randomTensor(input.shape, seed: 22)
        func loss(_ x: Tensor) -> Double { var y = x; ReLU.forward(&y); return y.dot(weights) }
        var y = input
        ReLU.forward(&y)
        var gradient = weights
        ReLU.backward(&gradient, output: y)
        let (analytic, numeric) = directionalCheck(at: input, gradient: gradient, epsilon: 1e-3, loss: loss)
        #expect(relativeError(analytic, numeric) < 1e-3)
    }

    @Test func averagePoolKnownValuesAndGradient() {
        let input = Tensor(Shape(1, 2, 4), data: [1, 2, 3, 4, 5, 6, 7, 8])
        var output = Tensor(AveragePool2.outputShape(for: input.shape))
        AveragePool2.forward(input, output: &output)
        #expect(output.data == [3.5, 5.5])
        // odd size: last row and column dropped
        Self.expectBackwardIsForwardsGradient(Shape(2, 5, 5), seed: 31, outputShape: AveragePool2.outputShape(for:),
                                              forward: { AveragePool2.forward($0, output: &$1) },
                                              backward: { AveragePool2.backward(dOutput: $0, dInput: &$1) })
    }

    @Test func binomialDownsampleKeepsConstantsAndHasTransposeGradient() {
        let constant = Tensor(Shape(1, 7, 6), data: [Float](repeating: 0.75, count: 42))
        var small = Tensor(BinomialDownsample.outputShape(for: constant.shape))
        BinomialDownsample.forward(constant, output: &small)
        #expect(small.shape == Shape(1, 4, 3))
        #expect(small.data.allSatisfy { abs($0 - 0.75) < 1e-6 })
        Self.expectBackwardIsForwardsGradient(Shape(2, 9, 8), seed: 41, outputShape: BinomialDownsample.outputShape(for:),
                                              forward: { BinomialDownsample.forward($0, output: &$1) },
                                              backward: { BinomialDownsample.backward(dOutput: $0, dInput: &$1) })
    }

    /// A finite-difference check of a linear resampling layer: with loss = ⟨forward(x), w⟩ for
    /// random x (seed) and w (seed + 1), backward(w) must be the loss's gradient.
    static func expectBackwardIsForwardsGradient(_ shape: Shape, seed: UInt64, outputShape: (Shape) -> Shape,
                                                 forward: (Tensor, inout Tensor) -> Void,
                                                 backward: (Tensor, inout Tensor) -> Void) {
        let x = randomTensor(shape, seed: seed)
        let weights = randomTensor(outputShape(shape), seed: seed + 1)
        func loss(_ x: Tensor) -> Double {
            var y = Tensor(outputShape(x.shape))
            forward(x, &y)
            return y.dot(weights)
        }
        var gradient = Tensor(shape)
        backward(weights, &gradient)
        let (analytic, numeric) = directionalCheck(at: x, gradient: gradient, epsilon: 1e-2, loss: loss)
        #expect(relativeError(analytic, numeric) < 1e-3)
    }
}
