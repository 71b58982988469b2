// TextureObjective: the source's texture statistics and the loss + gradient of a candidate image.
//
// Built once per (model, source, layers). It owns a feature network (for the latest input size)
// and the loss; evaluating it maps pixels through the model's preprocessing, runs the network
// forward and backward, and returns ∂L/∂input.

import TextureCore

public final class TextureObjective {
    public let model: any TextureModel
    public let terms: [LayerTerm]
    /// The source pixels after preparation, (3, H, W) in [0, 1].
    public let source: Tensor
    public let transform: InputTransform
    public let loss: TextureLoss
    let threads: Int
    let convolution: any ConvolutionAlgorithm
    /// Only the latest size is kept: a 512² VGG-19 network holds ~0.6 GB of activations and
    /// gradients, and a synthesis larger than its source would otherwise keep the source-size
    /// network alive for nothing.
    private var cachedNetwork: FeatureNetwork
    private var featureGradients: [Tensor] = []

    /// - Parameters:
    ///   - source: (3, H, W) RGB pixels in [0, 1] (grey sources with R = G = B).
    public init(model: any TextureModel, source: Tensor, terms: [LayerTerm], threads: Int = 1,
                convolution: any ConvolutionAlgorithm = Im2ColConvolution()) throws(SynthesisError) {
        let layers = terms.map(\.layer)
        do { try model.validate(layers: layers) } catch { throw .model(error) }
        let minimum = model.minimumInputSide(layers: layers)
        let side = min(source.shape.height, source.shape.width)
        guard side >= minimum else { throw .model(.inputTooSmall(side: side, minimum: minimum, layers: layers)) }
        self.model = model
        self.terms = terms
        self.source = source
        self.threads = threads
        self.convolution = convolution
        transform = model.preprocessing.transform(sourceMean: ImagePreparation.channelMeans(source))
        let input = transform.apply(source)
        let network = model.makeNetwork(input: input.shape, layers: layers, threads: threads, convolution: convolution)
        loss = TextureLoss(terms: terms, sourceFeatures: network.forward(input), threads: threads,
                           products: convolution.products)
        cachedNetwork = network
    }

    /// The network for inputs of `shape` (replacing the cached one when the size changes).
    func network(for shape: Shape) -> FeatureNetwork {
        if cachedNetwork.inputShape != shape {
            cachedNetwork = model.makeNetwork(input: shape, layers: terms.map(\.layer), threads: threads, convolution: convolution)
        }
        return cachedNetwork
    }

    /// Checks that an image of this size still has positions at every matched layer.
    public func checkSize(_ shape: Shape) throws(SynthesisError) {
        let layers = terms.map(\.layer)
        let minimum = model.minimumInputSide(layers: layers)
        let side = min(shape.height, shape.width)
        guard side >= minimum else { throw .model(.inputTooSmall(side: side, minimum: minimum, layers: layers)) }
    }

    /// The loss of a model-space input x (3, H, W).
    public func loss(input: Tensor) -> LossBreakdown {
        loss.evaluate(network(for: input.shape).forward(input))
    }

    /// The loss of RGB pixels in [0, 1] (3, H, W), e.g. a finished stimulus or another image.
    public func loss(pixels: Tensor) -> LossBreakdown {
        loss(input: transform.apply(ImagePreparation.rgb(pixels)))
    }

    /// The loss and ∂L/∂x for a model-space input x (3, H, W).
    public func lossAndGradient(input: Tensor) -> (LossBreakdown, Tensor) {
        let network = network(for: input.shape)
        let features = network.forward(input)
        let breakdown = loss.evaluate(features, gradients: &featureGradients)
        return (breakdown, network.backward(featureGradients: featureGradients))
    }
}
