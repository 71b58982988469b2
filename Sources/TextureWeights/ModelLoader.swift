// ModelLoader: load a model by name for synthesis, with its weights' origin, and refuse `vgg19`
// weights that are not a published VGG-19 unless the user allows unverified weights.

import Foundation
import TextureCore

/// A model and, for `vgg19`, where its weights came from.
public struct LoadedModel: Sendable {
    public var model: any TextureModel
    public var weights: WeightsOrigin?

    public init(model: any TextureModel, weights: WeightsOrigin?) {
        self.model = model
        self.weights = weights
    }

    public var pair: (any TextureModel, WeightsOrigin?) { (model, weights) }
}

public enum ModelLoader {
    /// Loads and checks: unverified `vgg19` weights are refused unless `allowUnverified`.
    public static func load(
        _ name: String, weightsPath: String?, allowUnverified: Bool
    ) throws(WeightsError) -> LoadedModel {
        let loaded = try inspect(name, weightsPath: weightsPath)
        try check(loaded, allowUnverified: allowUnverified)
        return loaded
    }

    /// Loads without refusing (a set's planner decides per condition).
    public static func inspect(_ name: String, weightsPath: String?) throws(WeightsError) -> LoadedModel {
        guard ModelName(rawValue: name) == .vgg19 else {
            // A weights file named for a model that reads none is a mistake (a condition meant
            // for vgg19, or a typo in the model); ignoring it would run another model than meant.
            if let weightsPath, ModelName(rawValue: name) != nil {
                throw .invalidArgument(
                    name: "weights", value: weightsPath,
                    hint: "model \(name) takes no weights file; remove weights (--weights), or use model vgg19")
            }
            do { return LoadedModel(model: try ModelCatalog.load(name, weightsPath: weightsPath), weights: nil) } catch
            { throw .core(error) }
        }
        let path = weightsPath ?? ModelCatalog.defaultWeightsPath()
        do {
            let file = try SafetensorsFile.read(path: path)
            let model = try VGG19Weights.load(file, path: path)
            return LoadedModel(model: model, weights: WeightsOrigin.of(file, model: model, path: path))
        } catch { throw .core(error) }
    }

    public static func check(_ loaded: LoadedModel, allowUnverified: Bool) throws(WeightsError) {
        if let weights = loaded.weights, case .unverified(let reason) = weights.verification, !allowUnverified {
            throw .unverified(path: weights.path, reason: reason)
        }
    }
}
