// VGG19: the 16 convolution layers of VGG-19 with average pooling, as a texture model.
//
// Layer names follow the paper: conv1_1, conv1_2, pool1, conv2_1 … conv5_4, pool5. Every
// convolution is 3×3, stride 1, zero padding 1, followed by ReLU (the conv layer's output is
// the post-ReLU map); every pool is 2×2 average pooling with stride 2. No fully connected layers.

/// One step of the VGG feature stack.
public enum VGGStage: Sendable, Equatable {
    case convolution(name: String, inChannels: Int, outChannels: Int)
    case pool(name: String)

    public var name: String {
        switch self {
        case .convolution(let name, _, _), .pool(let name): return name
        }
    }
}

/// The layer table. `widths` are the channel counts of blocks 1…5 (VGG-19: 64, 128, 256,
/// 512, 512); tests use narrow widths so a golden fixture stays small.
public struct VGGArchitecture: Sendable, Equatable {
    public static let convolutionsPerBlock = [2, 2, 4, 4, 4]
    public static let vgg19 = VGGArchitecture(widths: [64, 128, 256, 512, 512])

    public let widths: [Int]
    public let stages: [VGGStage]

    public init(widths: [Int]) {
        precondition(widths.count == 5)
        self.widths = widths
        var stages: [VGGStage] = []
        var channels = 3
        for (block, count) in Self.convolutionsPerBlock.enumerated() {
            for index in 1...count {
                stages.append(
                    .convolution(name: "conv\(block + 1)_\(index)", inChannels: channels, outChannels: widths[block]))
                channels = widths[block]
            }
            stages.append(.pool(name: "pool\(block + 1)"))
        }
        self.stages = stages
    }

    public var convolutionNames: [String] {
        stages.compactMap { if case .convolution(let name, _, _) = $0 { return name } else { return nil } }
    }

    /// Expected weight shape [OC, C, 3, 3] per convolution name.
    public func weightShape(_ name: String) -> [Int]? {
        for case .convolution(let stageName, let c, let oc) in stages where stageName == name { return [oc, c, 3, 3] }
        return nil
    }
}

/// A VGG-19 texture model with fixed weights (pretrained or seeded random).
public struct VGG19: TextureModel {
    public let name: String
    public let architecture: VGGArchitecture
    /// One Conv2D per convolution name.
    public let convolutions: [String: Conv2D]
    public let preprocessing: Preprocessing
    public let weightsSHA256: String?
    public var normalization: LossNormalization { .gatys }
    public var defaultLayerWeight: Double { 1e9 }
    public var requiredLossReduction: Double { 10 }

    public init(
        name: String, architecture: VGGArchitecture, convolutions: [String: Conv2D],
        preprocessing: Preprocessing, weightsSHA256: String?
    ) {
        self.name = name
        self.architecture = architecture
        self.convolutions = convolutions
        self.preprocessing = preprocessing
        self.weightsSHA256 = weightsSHA256
    }

    public var layerNames: [String] { architecture.stages.map(\.name) }

    /// The paper's reference layers: conv1_1, pool1, pool2, pool3, pool4.
    public func defaultLayers(sourceShape: Shape) -> [String] { ["conv1_1", "pool1", "pool2", "pool3", "pool4"] }

    /// The smallest side of the deepest matched layer's map. A 2×2 or 1×1 map still has a Gram
    /// matrix, but its "texture" is a handful of positions, most of them touched by the zero
    /// padding: a condition that deep at that size is a mistake, not a stimulus.
    public static let minimumMapSide = 4

    /// Poolings before and including `layer` (0 for conv1_1; 5 for pool5).
    public func poolings(through layer: String) -> Int {
        guard let index = layerNames.firstIndex(of: layer) else { return 0 }
        return architecture.stages[0...index].filter { if case .pool = $0 { return true } else { return false } }.count
    }

    /// Each pool floors the side to half, so after k poolings a side s leaves floor(s / 2^k):
    /// the deepest layer's map is at least 4×4 when s ≥ 4 · 2^k (conv5_1: 64 px, pool5: 128 px).
    public func minimumInputSide(layers: [String]) -> Int {
        Self.minimumMapSide << (layers.map { poolings(through: $0) }.max() ?? 0)
    }

    public func minimumInputSideReason(layers: [String]) -> String {
        let deepest = layers.max { poolings(through: $0) < poolings(through: $1) } ?? "conv1_1"
        let k = poolings(through: deepest)
        return "\(deepest) comes after \(k) 2×2 pooling\(k == 1 ? "" : "s"), which floor the side to side/\(1 << k); "
            + "its map must stay at least \(Self.minimumMapSide)×\(Self.minimumMapSide), so the image needs at least "
            + "\(minimumInputSide(layers: layers)) px"
    }

    public func makeNetwork(
        input: Shape, layers: [String], threads: Int, convolution: any ConvolutionAlgorithm
    ) -> FeatureNetwork {
        VGGNetwork(model: self, input: input, taps: layers, threads: threads, convolution: convolution)
    }

    public func evaluationFLOPs(input: Shape, layers: [String]) -> Double {
        var shape = input, flops = 0.0
        let deepest = layers.compactMap { layerNames.firstIndex(of: $0) }.max() ?? -1
        for stage in architecture.stages.prefix(deepest + 1) {
            switch stage {
            case .convolution(let name, _, _):
                let conv = convolutions[name]!
                flops += 2 * conv.forwardFLOPs(for: shape)  // forward and input gradient
                shape = conv.outputShape(for: shape)
            case .pool:
                shape = AveragePool2.outputShape(for: shape)
            }
            if layers.contains(stage.name) {
                // Gram (ssyrk: N²M) and its gradient (sgemm: 2N²M).
                flops += 3 * Double(shape.channels * shape.channels) * Double(shape.positions)
            }
        }
        return flops
    }
}

/// VGG forward/backward at one input size; activations and gradients are allocated once.
final class VGGNetwork: FeatureNetwork {
    let inputShape: Shape
    let stages: [VGGStage]
    let convolutions: [Conv2D?]
    let tapStage: [Int]
    let threads: Int
    let algorithm: any ConvolutionAlgorithm
    let scratch = ScratchBuffer()
    var activations: [Tensor]
    /// Two gradient buffers that take turns (see backward), made at the largest stage's shape.
    var gradients: [Tensor]
    var inputGradient: Tensor
    var input: Tensor

    init(model: VGG19, input: Shape, taps: [String], threads: Int, convolution: any ConvolutionAlgorithm) {
        let names = model.layerNames
        tapStage = taps.map { names.firstIndex(of: $0)! }
        stages = Array(model.architecture.stages.prefix((tapStage.max() ?? 0) + 1))
        convolutions = stages.map {
            if case .convolution(let name, _, _) = $0 { return model.convolutions[name]! } else { return nil }
        }
        var shape = input
        var shapes: [Shape] = []
        for (index, stage) in stages.enumerated() {
            if case .convolution = stage {
                shape = convolutions[index]!.outputShape(for: shape)
            } else {
                shape = AveragePool2.outputShape(for: shape)
            }
            shapes.append(shape)
        }
        self.inputShape = input
        self.threads = threads
        self.algorithm = convolution
        activations = shapes.map { Tensor($0) }
        let largest = shapes.max { $0.count < $1.count }!
        gradients = [Tensor(largest), Tensor(largest)]
        inputGradient = Tensor(input)
        self.input = Tensor(input)
    }

    func forward(_ input: Tensor) -> [Tensor] {
        precondition(input.shape == inputShape)
        self.input = input
        for index in stages.indices {
            let previous = index == 0 ? input : activations[index - 1]
            if let conv = convolutions[index] {
                algorithm.forward(
                    conv, input: previous, output: &activations[index], relu: true, scratch: scratch, threads: threads)
            } else {
                AveragePool2.forward(previous, output: &activations[index], threads: threads)
            }
        }
        return tapStage.map { activations[$0] }
    }

    /// Walks the stages in reverse with two buffers: stage i reads ∂L/∂(its output, above its
    /// ReLU) from one and writes stage i − 1's into the other, which then swap roles. Holding two
    /// gradients instead of one per stage saves 200 MB at 512² pool4. Stage i − 1's buffer is
    /// set to its loss gradient first when it is matched and then added to, else written over,
    /// so no buffer is zeroed and then added to.
    func backward(featureGradients: [Tensor]) -> Tensor {
        let last = stages.count - 1
        var current = 0
        gradients[current].reshape(to: activations[last].shape)
        gradients[current].copy(from: featureGradients[tapStage.firstIndex(of: last)!], threads: threads)
        for index in stages.indices.reversed() {
            var fusedReLU = false
            if let conv = convolutions[index] {
                fusedReLU = algorithm.fusesReLUBackward(conv)
                if !fusedReLU { ReLU.backward(&gradients[current], output: activations[index], threads: threads) }
            }
            // Shares storage with gradients[current]: no copy, since only the other buffer is written.
            let dOutput = gradients[current], other = 1 - current
            if index == 0 {
                backwardStage(index, dOutput: dOutput, fusedReLU: fusedReLU, dInput: &inputGradient, accumulate: false)
                break
            }
            gradients[other].reshape(to: activations[index - 1].shape)
            let tap = tapStage.firstIndex(of: index - 1)
            if let tap { gradients[other].copy(from: featureGradients[tap], threads: threads) }
            backwardStage(
                index, dOutput: dOutput, fusedReLU: fusedReLU, dInput: &gradients[other], accumulate: tap != nil)
            current = other
        }
        return inputGradient
    }

    /// The input gradient of stage `index` given its output gradient (ReLU-masked unless
    /// `fusedReLU`), added to or written over dInput.
    private func backwardStage(_ index: Int, dOutput: Tensor, fusedReLU: Bool, dInput: inout Tensor, accumulate: Bool) {
        if let conv = convolutions[index] {
            algorithm.backward(
                conv, dOutput: dOutput, reluOutput: fusedReLU ? activations[index] : nil, dInput: &dInput,
                accumulate: accumulate, scratch: scratch, threads: threads)
        } else {
            AveragePool2.backward(dOutput: dOutput, dInput: &dInput, accumulate: accumulate, threads: threads)
        }
    }
}
