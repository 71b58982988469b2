// TextureComparison: the Gram-statistics distance between two images (texstim compare).

import TextureCore
import TextureImages
import TextureSynthesis
import TextureWeights

public struct ComparisonRequest: Sendable {
    public var imageA: String
    public var imageB: String
    public var model: ModelName = ModelCatalog.defaultModel
    public var weightsPath: String?
    /// Use `vgg19` weights that are not a published VGG-19.
    public var allowUnverifiedWeights = false
    public var layers: [String]?
    public var preset: String?
    /// β of the spectrum term (nil: the preset's, else none); it needs A and B at one size.
    public var spectrumWeight: Double?
    public var threads = 1
    public var convolution = ConvolutionChoice.default
    public var maxSide = ImageFile.defaultMaxSide

    public init(imageA: String, imageB: String) {
        self.imageA = imageA
        self.imageB = imageB
    }
}

public enum TextureComparison {
    /// E_l between A's Gram matrices (the target) and B's, per layer, and Σ w_l E_l. Each image
    /// is used at its own size. For `random-pyramid`, both are centred on A's mean colour.
    public static func run(_ request: ComparisonRequest) throws(PipelineError) -> LossBreakdown {
        let a: DecodedImage, b: DecodedImage
        do {
            a = try ImageFile.load(path: request.imageA, maxSide: request.maxSide, role: "image A")
            b = try ImageFile.load(path: request.imageB, maxSide: request.maxSide, role: "image B")
        } catch { throw .image(error) }
        let model: any TextureModel
        do {
            model = try ModelLoader.load(
                request.model.rawValue, weightsPath: request.weightsPath,
                allowUnverified: request.allowUnverifiedWeights
            ).model
        } catch { throw PipelineError(error) }
        let source = ImagePreparation.rgb(a.pixels)
        let layers = try LayerSelection.resolve(
            model: model, layers: request.layers, preset: request.preset, sourceShape: source.shape)
        do {
            let beta = request.spectrumWeight ?? request.preset.flatMap(LayerPresets.spectrumWeight(for:))
            let objective = try TextureObjective(
                model: model, source: source, terms: model.terms(layers: layers), threads: request.threads,
                convolution: request.convolution.algorithm,
                spectrum: beta.map { SpectrumSetting(weight: $0, grey: false) })
            let other = ImagePreparation.rgb(b.pixels)
            try objective.checkSize(other.shape)
            return objective.loss(pixels: other)
        } catch { throw .synthesis(error) }
    }
}
