// SynthesisModel: what one synthesis matches — a feature network's Gram matrices or the Portilla–Simoncelli statistics.

import TextureCore
import TextureSynthesis
import TextureWeights

/// The model of one synthesis, chosen by `StimulusParameters.model`. The network models
/// (`TextureModel`: layers, Gram matrices, a float32 model input) and Portilla–Simoncelli (the
/// statistics of one grey plane at one size: no layers, no weights, nothing to load) share only
/// the optimiser's interface, `SynthesisObjective`; this is the one place the pipeline tells
/// them apart, so `TextureModel` stays Gram-only.
public enum SynthesisModel: Sendable {
    case network(LoadedModel)
    case portillaSimoncelli

    /// The request's model: its `loadedModel` (a set's cache), else loaded by name.
    static func of(_ request: SynthesisRequest) throws(PipelineError) -> SynthesisModel {
        guard request.parameters.model.isNetwork else { return .portillaSimoncelli }
        if let model = request.loadedModel {
            return .network(LoadedModel(model: model, weights: request.weightsOrigin))
        }
        do {
            return .network(
                try ModelLoader.load(
                    request.parameters.model.rawValue, weightsPath: request.weightsPath,
                    allowUnverified: request.allowUnverifiedWeights))
        } catch { throw PipelineError(error) }
    }

    /// The objective of resolved `parameters` for the prepared source (3, H, W).
    func objective(
        _ parameters: StimulusParameters, request: SynthesisRequest,
        prepared: Tensor
    ) throws(PipelineError) -> any SynthesisObjective {
        switch self {
        case .network(let loaded):
            let model = loaded.model
            let spectrum = parameters.spectrumWeight.map { SpectrumSetting(weight: $0, grey: parameters.grey) }
            do {
                return try TextureObjective(
                    model: model, source: prepared,
                    terms: model.terms(
                        layers: parameters.layers ?? [],
                        weights: parameters.layerWeights),
                    threads: request.threads,
                    convolution: request.convolution.algorithm(gram: request.gram, products: request.products),
                    spectrum: spectrum)
            } catch { throw .synthesis(error) }
        case .portillaSimoncelli:
            let settings = parameters.portillaSimoncelli ?? PortillaSimoncelliSettings()
            do { return try PortillaSimoncelliObjective(source: prepared, settings: settings) } catch {
                throw .invalidArgument(
                    name: "--size", value: "\(prepared.shape.width)×\(prepared.shape.height)",
                    hint: error.description)
            }
        }
    }

    /// How provenance describes the model of a finished synthesis with `objective`.
    func description(request: SynthesisRequest, objective: any SynthesisObjective) -> ModelDescription {
        switch self {
        case .network(let loaded):
            let model = loaded.model, textureObjective = objective as? TextureObjective
            return ModelDescription(
                record: .init(
                    name: model.name,
                    weightsPath: model.weightsSHA256 == nil
                        ? nil : (request.weightsPath ?? ModelCatalog.defaultWeightsPath()),
                    weightsSha256: model.weightsSHA256, weightsOrigin: loaded.weights?.description,
                    verification: loaded.weights?.label),
                modelInput: model.preprocessing.rawValue, layers: textureObjective?.terms ?? [],
                spectrumWeight: textureObjective?.spectrum?.weight,
                greyVariable: "grey pixels v in [0, 1]; the model sees (v, v, v), ∂L/∂v is the sum over channels")
        case .portillaSimoncelli:
            return ModelDescription(
                record: .init(name: ModelName.portillaSimoncelli.rawValue),
                modelInput: "grey plane in [0, 1] (Rec. 709 luma)",
                layers: [], spectrumWeight: nil,
                greyVariable: "grey pixels v in [0, 1]; the statistics are of v itself (double precision)")
        }
    }
}

/// The model's part of a stimulus record.
struct ModelDescription {
    var record: StimulusRecord.Model
    /// `preparation.model_input`.
    var modelInput: String
    var layers: [LayerTerm]
    var spectrumWeight: Double?
    /// `optimizer.variable` of a grey synthesis.
    var greyVariable: String
}
