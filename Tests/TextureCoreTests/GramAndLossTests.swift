// GramAndLossTests: Gram matrices by hand, the Gatys loss formula, and whole-network gradients.

import Testing
import TextureCore

@Suite struct GramAndLossTests {
    @Test func gramOfTwoChannelTwoByOneMap() {
        // F = [[1, 2], [3, 4]] (N = 2 channels, M = 2 positions): G = F Fᵀ / 2.
        let features = Tensor(Shape(2, 1, 2), data: [1, 2, 3, 4])
        #expect(GramMatrix.compute(features) == [2.5, 5.5, 5.5, 12.5])
        #expect(GramMatrix.naive(features) == [2.5, 5.5, 5.5, 12.5])
    }

    @Test func gramMatchesNaiveOnRandomMaps() {
        let features = randomTensor(Shape(5, 4, 6), seed: 3)
        let fast = GramMatrix.compute(features), naive = GramMatrix.naive(features)
        #expect(maxAbs(zip(fast, naive).map { $0 - $1 }) < 1e-5)
    }

    /// dF = 2 dG F / M with OpenBLAS and with the machine's product kernel (which takes the
    /// factor into dG first), against the definition in Double.
    @Test(arguments: ProductKernel.allCases)
    func gramBackwardMatchesDefinition(products: ProductKernel) {
        let features = randomTensor(Shape(13, 10, 30), seed: 4)
        let (n, m) = (13, 300)
        var dGram = randomTensor(Shape(1, n, n), seed: 5).data
        for i in 0..<n { for j in 0..<i { dGram[i * n + j] = dGram[j * n + i] } }
        var dFeatures = Tensor(features.shape)
        GramMatrix.backward(dGram: dGram, features: features, dFeatures: &dFeatures, threads: 2, products: products)
        var largest = 0.0, difference = 0.0
        for i in 0..<n {
            for position in 0..<m {
                var sum = 0.0
                for j in 0..<n { sum += Double(dGram[i * n + j]) * Double(features.data[j * m + position]) }
                let expected = 2 * sum / Double(m)
                largest = max(largest, abs(expected))
                difference = max(difference, abs(expected - Double(dFeatures.data[i * m + position])))
            }
        }
        #expect(difference < 1e-6 * largest, "\(difference) of \(largest)")
    }

    @Test func gatysLossByHand() {
        // Target from F̂ = [[1, 0], [0, 1]] (Ĝ = I/2); F = [[1, 1], [0, 0]] (G = [[1, 0], [0, 0]]).
        // E = Σ (G − Ĝ)² / (4 N²) = (0.25 + 0.25) / 16 = 1/32; total = w E.
        let term = LayerTerm(layer: "conv1_1", weight: 1e9, normalization: .gatys)
        let loss = TextureLoss(terms: [term], sourceFeatures: [Tensor(Shape(2, 1, 2), data: [1, 0, 0, 1])])
        let result = loss.evaluate([Tensor(Shape(2, 1, 2), data: [1, 1, 0, 0])])
        #expect(abs(result.layers["conv1_1"]! - 1.0 / 32) < 1e-12)
        #expect(abs(result.total - 1e9 / 32) < 1e-3)
    }

    @Test(arguments: [LossNormalization.gatys, .relative])
    func lossGradientWithRespectToFeatures(normalization: LossNormalization) {
        let source = randomTensor(Shape(3, 4, 5), seed: 51)
        let x = randomTensor(Shape(3, 4, 5), seed: 52)
        let loss = TextureLoss(terms: [LayerTerm(layer: "a", weight: 2, normalization: normalization)], sourceFeatures: [source])
        var gradients: [Tensor] = []
        _ = loss.evaluate([x], gradients: &gradients)
        let (analytic, numeric) = directionalCheck(at: x, gradient: gradients[0], epsilon: 1e-3) { loss.evaluate([$0]).total }
        #expect(relativeError(analytic, numeric) < 1e-2, "analytic \(analytic) numeric \(numeric)")
    }

    /// The whole chain: input → network → Grams → loss, differentiated by the networks' backward
    /// (VGG with both convolution algorithms: 8-channel layers take the Winograd path).
    @Test(arguments: [("vgg", ConvolutionChoice.direct), ("vgg", .winograd), ("pyramid", .direct)])
    func wholeLossGradient(modelKind: String, convolution: ConvolutionChoice) {
        let model: any TextureModel = modelKind == "vgg"
            ? VGG19Weights.random(seed: 3, architecture: VGGArchitecture(widths: [8, 8, 8, 8, 8])) : RandomPyramid()
        let layers = modelKind == "vgg" ? ["conv1_1", "pool1", "conv2_2", "pool2"] : ["level0", "level1"]
        let shape = Shape(3, 12, 12)
        let scale: Float = modelKind == "vgg" ? 30 : 0.3
        let network = model.makeNetwork(input: shape, layers: layers, threads: 1, convolution: convolution.algorithm)
        let loss = TextureLoss(terms: model.terms(layers: layers), sourceFeatures: network.forward(randomTensor(shape, seed: 61, scale: scale)),
                               products: convolution.algorithm.products)
        let x = randomTensor(shape, seed: 65, scale: scale)
        var gradients: [Tensor] = []
        _ = loss.evaluate(network.forward(x), gradients: &gradients)
        let dInput = network.backward(featureGradients: gradients)
        let (analytic, numeric) = directionalCheck(at: x, gradient: dInput, epsilon: scale * 1e-3) { loss.evaluate(network.forward($0)).total }
        #expect(relativeError(analytic, numeric) < 2e-2, "analytic \(analytic) numeric \(numeric)")
    }
}
