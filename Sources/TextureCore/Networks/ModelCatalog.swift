// ModelCatalog: the models texstim ships, by name, and how each is constructed.

import Foundation

public enum ModelName: String, Sendable, CaseIterable, Codable {
    /// The embedded default: seeded random filters on a Gaussian pyramid (not the paper's model).
    case randomPyramid = "random-pyramid"
    /// The pretrained VGG-19 from a weights file (the paper's model).
    case vgg19
    /// VGG-19 with seeded He-initialised weights (the paper's control).
    case vgg19Random = "vgg19-random"
    /// The Portilla–Simoncelli (2000) statistics of a grey image, as plenoptic 2.1.1 (not a feature
    /// network: no layers, no Gram matrices; its synthesis objective is PortillaSimoncelliObjective).
    case portillaSimoncelli = "portilla-simoncelli"

    /// Whether the model is a feature network (a `TextureModel` from `ModelCatalog.load`).
    public var isNetwork: Bool { self != .portillaSimoncelli }
}

public enum ModelCatalog {
    public static let defaultModel = ModelName.randomPyramid
    public static let defaultRandomWeightsSeed: UInt64 = 1
    public static let weightsDirectoryVariable = "TEXSTIM_WEIGHTS_DIR"

    /// weights/vgg19.safetensors under TEXSTIM_WEIGHTS_DIR, else under the current directory.
    public static func defaultWeightsPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String
    {
        let directory = environment[weightsDirectoryVariable] ?? "weights"
        return (directory as NSString).appendingPathComponent("vgg19.safetensors")
    }

    /// Builds a model by name.
    /// - Parameters:
    ///   - weightsPath: for `vgg19`; nil means `defaultWeightsPath()`.
    ///   - seed: for `vgg19-random` (default 1) and `random-pyramid` (default its own seed).
    public static func load(
        _ name: String, weightsPath: String? = nil, seed: UInt64? = nil
    ) throws(TextureCoreError) -> any TextureModel {
        guard let model = ModelName(rawValue: name) else { throw .unknownModel(name) }
        switch model {
        case .randomPyramid: return RandomPyramid(seed: seed ?? RandomPyramid.defaultSeed)
        case .vgg19: return try VGG19Weights.load(path: weightsPath ?? defaultWeightsPath())
        case .vgg19Random: return VGG19Weights.random(seed: seed ?? defaultRandomWeightsSeed)
        case .portillaSimoncelli: throw .notANetwork(model: name)
        }
    }
}
