// VGG19Weights: build a VGG19 model from a safetensors file or from seeded He-initialised weights.
//
// File layout (texstim's): `conv1_1.weight` [64, 3, 3, 3], `conv1_1.bias` [64], … through
// conv5_4, F32 or F16; `__metadata__` key `texstim.preprocessing` is `caffe-bgr` (default when
// absent) or `torchvision-rgb`. Other tensors in the file (e.g. classifier weights) are ignored.

import Foundation

public enum VGG19Weights {
    public static let preprocessingKey = "texstim.preprocessing"

    /// Loads and checks every convolution's weight and bias shape.
    public static func load(path: String, architecture: VGGArchitecture = .vgg19) throws(TextureCoreError) -> VGG19 {
        try load(SafetensorsFile.read(path: path), path: path, architecture: architecture)
    }

    /// The model of a file already read (`path` names it in errors).
    public static func load(
        _ file: SafetensorsFile, path: String, architecture: VGGArchitecture = .vgg19
    ) throws(TextureCoreError) -> VGG19 {
        guard architecture.widths.allSatisfy({ $0 > 0 }) else {
            throw .weightsMalformed(
                path: path,
                detail: "block widths \(architecture.widths) (from conv1_1 … conv5_1): every block needs a channel")
        }
        var convolutions: [String: Conv2D] = [:]
        for name in architecture.convolutionNames {
            let shape = architecture.weightShape(name)!
            let weight = try tensor(file, "\(name).weight", shape: shape, path: path)
            let bias = try tensor(file, "\(name).bias", shape: [shape[0]], path: path)
            convolutions[name] = Conv2D(
                inChannels: shape[1], outChannels: shape[0], kernel: 3, padding: 1, weight: weight, bias: bias)
        }
        let declared = file.metadata[preprocessingKey] ?? Preprocessing.caffeBGR.rawValue
        guard let preprocessing = Preprocessing(rawValue: declared), preprocessing != .sourceMeanRGB else {
            throw .weightsMetadataInvalid(
                path: path, key: preprocessingKey, value: declared,
                allowed: [Preprocessing.caffeBGR.rawValue, Preprocessing.torchvisionRGB.rawValue])
        }
        return VGG19(
            name: "vgg19", architecture: architecture, convolutions: convolutions,
            preprocessing: preprocessing, weightsSHA256: file.sha256)
    }

    private static func tensor(
        _ file: SafetensorsFile, _ name: String, shape: [Int], path: String
    ) throws(TextureCoreError) -> [Float] {
        guard let found = file.tensors[name] else { throw .weightsTensorMissing(path: path, tensor: name) }
        guard found.shape == shape else {
            throw .weightsShapeMismatch(path: path, tensor: name, expected: shape, found: found.shape)
        }
        return found.values
    }

    /// He-initialised weights: w ~ N(0, 2 / (C·3·3)), bias 0, each layer drawn from its own
    /// seed deriveSeed(seed, layer index), so a layer's weights do not depend on the others.
    public static func random(seed: UInt64, architecture: VGGArchitecture = .vgg19) -> VGG19 {
        var convolutions: [String: Conv2D] = [:]
        for (index, name) in architecture.convolutionNames.enumerated() {
            let shape = architecture.weightShape(name)!
            // Drawn when the layer is first used: the sampler takes ~0.4 s for all of VGG-19,
            // which every process paid before its workers started, mostly for layers (conv5)
            // that no condition reached.
            convolutions[name] = Conv2D(
                inChannels: shape[1], outChannels: shape[0], kernel: 3, padding: 1,
                bias: [Float](repeating: 0, count: shape[0])
            ) {
                var sampler = NormalSampler(seed: deriveSeed(seed, UInt64(index)))
                return sampler.fill(count: shape.reduce(1, *), scale: (2 / Double(shape[1] * 9)).squareRoot())
            }
        }
        return VGG19(
            name: "vgg19-random", architecture: architecture, convolutions: convolutions,
            preprocessing: .caffeBGR, weightsSHA256: nil)
    }

    /// The model's weights as safetensors bytes in texstim's layout.
    public static func encode(_ model: VGG19, metadata: [String: String] = [:]) -> Data {
        var tensors: [NamedTensor] = []
        for name in model.architecture.convolutionNames {
            let conv = model.convolutions[name]!
            tensors.append(
                NamedTensor(name: "\(name).weight", shape: model.architecture.weightShape(name)!, values: conv.weight))
            tensors.append(NamedTensor(name: "\(name).bias", shape: [conv.outChannels], values: conv.bias))
        }
        var allMetadata = metadata
        allMetadata[preprocessingKey] = model.preprocessing.rawValue
        return SafetensorsFile.encode(tensors, metadata: allMetadata)
    }
}
