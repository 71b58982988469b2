// RandomPyramid: the embedded default model: seeded random filters on a Gaussian pyramid.
//
// Not the paper's model. A weights-free texture model in the spirit of Ustyuzhaninov, Brendel,
// Gatys & Bethge (2017), "What does it take to generate natural textures?": the image (RGB in
// [0, 1] minus the source's mean colour) is blurred and halved repeatedly (5-tap binomial,
// stride 2); at each level k, 128 random 5×5×3 filters (normal draws, mean removed, unit norm,
// no bias; drawn from deriveSeed(seed, k)) are applied as a "valid" convolution, then ReLU;
// the texture statistics are one Gram matrix per level ("level0", "level1", …). Each level's
// loss is ‖G − Ĝ‖² / ‖Ĝ‖², weighted equally.

public struct RandomPyramid: TextureModel {
    public static let defaultSeed: UInt64 = 0x7465_7874_7374_696D  // "textstim" in ASCII
    public static let maximumLevels = 8
    /// Levels are used down to this side (the prototype's ~16 px).
    public static let smallestLevelSide = 16
    public static let filterCount = 128
    public static let filterSide = 5

    public let seed: UInt64
    /// One Conv2D (128 × 3 × 5 × 5, padding 0) per level.
    public let filters: [Conv2D]

    public init(seed: UInt64 = RandomPyramid.defaultSeed) {
        self.seed = seed
        filters = (0..<Self.maximumLevels).map { Self.makeFilters(seed: deriveSeed(seed, UInt64($0))) }
    }

    /// A pyramid with the given filters per level (for fixtures made outside texstim).
    init(seed: UInt64, filters: [Conv2D]) {
        self.seed = seed
        self.filters = filters
    }

    static func makeFilters(seed: UInt64) -> Conv2D {
        var sampler = NormalSampler(seed: seed)
        let size = 3 * filterSide * filterSide
        var weight: [Float] = []
        for _ in 0..<filterCount {
            var filter = sampler.fill(count: size).map(Double.init)
            let mean = filter.reduce(0, +) / Double(size)
            filter = filter.map { $0 - mean }
            let norm = filter.reduce(0) { $0 + $1 * $1 }.squareRoot()
            weight += filter.map { Float($0 / norm) }
        }
        return Conv2D(
            inChannels: 3, outChannels: filterCount, kernel: filterSide, padding: 0,
            weight: weight, bias: [Float](repeating: 0, count: filterCount))
    }

    public var name: String { seed == Self.defaultSeed ? "random-pyramid" : "random-pyramid:\(seed)" }
    public var layerNames: [String] { (0..<Self.maximumLevels).map { "level\($0)" } }
    public var preprocessing: Preprocessing { .sourceMeanRGB }
    public var normalization: LossNormalization { .relative }
    public var defaultLayerWeight: Double { 1 }
    public var requiredLossReduction: Double { 10 }
    public var weightsSHA256: String? { nil }

    /// Every level whose side is still ≥ 16 px at the source's size.
    public func defaultLayers(sourceShape: Shape) -> [String] {
        var side = min(sourceShape.height, sourceShape.width), count = 1
        while count < Self.maximumLevels && (side + 1) / 2 >= Self.smallestLevelSide {
            side = (side + 1) / 2
            count += 1
        }
        return Array(layerNames.prefix(count))
    }

    /// Level k must still be at least one filter wide: side ≥ 5 · 2^k.
    public func minimumInputSide(layers: [String]) -> Int {
        let deepest = layers.compactMap { layerNames.firstIndex(of: $0) }.max() ?? 0
        return Self.filterSide << deepest
    }

    public func minimumInputSideReason(layers: [String]) -> String {
        let deepest = layers.compactMap { layerNames.firstIndex(of: $0) }.max() ?? 0
        return
            "level\(deepest) is the image halved \(deepest) time\(deepest == 1 ? "" : "s") and its \(Self.filterSide)×\(Self.filterSide) "
            + "filters need a map at least \(Self.filterSide) px wide, so the image needs at least \(minimumInputSide(layers: layers)) px"
    }

    public func makeNetwork(
        input: Shape, layers: [String], threads: Int, convolution: any ConvolutionAlgorithm
    ) -> FeatureNetwork {
        PyramidNetwork(
            model: self, input: input, taps: layers.map { layerNames.firstIndex(of: $0)! },
            threads: threads, convolution: convolution)
    }

    public func evaluationFLOPs(input: Shape, layers: [String]) -> Double {
        var shape = input, flops = 0.0
        let levels = layers.compactMap { layerNames.firstIndex(of: $0) }
        for level in 0...(levels.max() ?? 0) {
            if levels.contains(level) {
                let out = filters[level].outputShape(for: shape)
                flops +=
                    2 * filters[level].forwardFLOPs(for: shape) + 3
                    * Double(out.channels * out.channels * out.positions)
            }
            shape = BinomialDownsample.outputShape(for: shape)
        }
        return flops
    }
}

/// Pyramid forward/backward at one input size, buffers allocated once.
final class PyramidNetwork: FeatureNetwork {
    let inputShape: Shape
    let filters: [Conv2D]
    let taps: [Int]
    let threads: Int
    let algorithm: any ConvolutionAlgorithm
    let scratch = ScratchBuffer()
    var levels: [Tensor]
    var features: [Tensor?]
    var levelGradients: [Tensor]
    /// The ReLU-masked feature gradient per matched level (reused across evaluations).
    var maskedGradients: [Tensor?]

    init(model: RandomPyramid, input: Shape, taps: [Int], threads: Int, convolution: any ConvolutionAlgorithm) {
        self.inputShape = input
        self.taps = taps
        self.threads = threads
        self.algorithm = convolution
        let depth = (taps.max() ?? 0) + 1
        filters = Array(model.filters.prefix(depth))
        var shapes = [input]
        while shapes.count < depth { shapes.append(BinomialDownsample.outputShape(for: shapes.last!)) }
        levels = shapes.map { Tensor($0) }
        levelGradients = shapes.map { Tensor($0) }
        features = (0..<depth).map { taps.contains($0) ? Tensor(model.filters[$0].outputShape(for: shapes[$0])) : nil }
        maskedGradients = features
    }

    func forward(_ input: Tensor) -> [Tensor] {
        precondition(input.shape == inputShape)
        levels[0] = input
        for level in levels.indices {
            if level > 0 { BinomialDownsample.forward(levels[level - 1], output: &levels[level]) }
            if features[level] != nil {
                algorithm.forward(
                    filters[level], input: levels[level], output: &features[level]!, relu: true,
                    scratch: scratch, threads: threads)
            }
        }
        return taps.map { features[$0]! }
    }

    func backward(featureGradients: [Tensor]) -> Tensor {
        for level in levelGradients.indices { levelGradients[level].zero(threads: threads) }
        for level in levels.indices.reversed() {
            for (tap, tapLevel) in taps.enumerated() where tapLevel == level {
                maskedGradients[level]!.copy(from: featureGradients[tap], threads: threads)
                ReLU.backward(&maskedGradients[level]!, output: features[level]!, threads: threads)
                algorithm.backward(
                    filters[level], dOutput: maskedGradients[level]!, dInput: &levelGradients[level],
                    scratch: scratch, threads: threads)
            }
            if level > 0 {
                let dLevel = levelGradients[level]
                BinomialDownsample.backward(dOutput: dLevel, dInput: &levelGradients[level - 1])
            }
        }
        return levelGradients[0]
    }
}
