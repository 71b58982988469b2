// TextureObjective: the source's texture statistics and the loss + gradient of a candidate image.
//
// Built once per (model, source, layers). It owns a feature network (for the latest input size)
// and the loss; evaluating it maps pixels through the model's preprocessing, runs the network
// forward and backward, and returns ∂L/∂input. With a spectrum setting it adds Liu et al. (2016)'s
// term β/2 ‖x − P(x)‖² on the model input (SpectrumConstraint), reported as the layer "spectrum".

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
    /// The spectrum term, when the condition has one (its weight β > 0 or = 0).
    public let spectrum: SpectrumConstraint?

    /// - Parameters:
    ///   - source: (3, H, W) RGB pixels in [0, 1] (grey sources with R = G = B).
    ///   - spectrum: the spectrum term's β and whether the synthesis is grey (one channel).
    public init(
        model: any TextureModel, source: Tensor, terms: [LayerTerm], threads: Int = 1,
        convolution: any ConvolutionAlgorithm = Im2ColConvolution(),
        spectrum setting: SpectrumSetting? = nil
    ) throws(SynthesisError) {
        if let setting, !(setting.weight >= 0 && setting.weight.isFinite) {
            throw .invalidSetting(
                name: "spectrum_weight", value: "\(setting.weight)",
                hint: "use a weight β ≥ 0, e.g. 1e6 for vgg19 at 256² (see the README)")
        }
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
        loss = TextureLoss(
            terms: terms, sourceFeatures: network.forward(input), threads: threads,
            products: convolution.products, gram: convolution.gram)
        cachedNetwork = network
        spectrum = setting.map { SpectrumConstraint(source: input, channels: $0.grey ? 1 : 3, weight: $0.weight) }
    }

    /// The network for inputs of `shape` (replacing the cached one when the size changes).
    func network(for shape: Shape) -> FeatureNetwork {
        if cachedNetwork.inputShape != shape {
            cachedNetwork = model.makeNetwork(
                input: shape, layers: terms.map(\.layer), threads: threads, convolution: convolution)
        }
        return cachedNetwork
    }

    /// Checks that an image of this size still has positions at every matched layer.
    public func checkSize(_ shape: Shape) throws(SynthesisError) {
        let layers = terms.map(\.layer)
        let minimum = model.minimumInputSide(layers: layers)
        let side = min(shape.height, shape.width)
        guard side >= minimum else { throw .model(.inputTooSmall(side: side, minimum: minimum, layers: layers)) }
        if let spectrum, !spectrum.accepts(shape) {
            throw .invalidSetting(
                name: "output size", value: "\(shape.width)×\(shape.height)",
                hint:
                    "the spectrum term (spectrum_weight) needs the stimulus at the source's size, \(spectrum.width)×\(spectrum.height): "
                    + "the source's Fourier modulus has no values at other frequencies. Drop output_size (or set size to the side you want)"
            )
        }
    }

    /// The loss of a model-space input x (3, H, W). The spectrum term is included when x has the
    /// source's size (`checkSize` refuses other sizes before a synthesis).
    public func loss(input: Tensor) -> LossBreakdown {
        var breakdown = loss.evaluate(network(for: input.shape).forward(input))
        if let spectrum, spectrum.accepts(input.shape) { add(spectrum.evaluate(input), of: spectrum, to: &breakdown) }
        return breakdown
    }

    private func add(_ energy: Double, of spectrum: SpectrumConstraint, to breakdown: inout LossBreakdown) {
        breakdown.layers[SpectrumSetting.layerName] = energy
        breakdown.total += spectrum.weight * energy
    }

    /// The loss of RGB pixels in [0, 1] (3, H, W), e.g. a finished stimulus or another image.
    public func loss(pixels: Tensor) -> LossBreakdown {
        loss(input: transform.apply(ImagePreparation.rgb(pixels)))
    }

    /// The loss and ∂L/∂x for a model-space input x (3, H, W).
    public func lossAndGradient(input: Tensor) -> (LossBreakdown, Tensor) {
        let network = network(for: input.shape)
        let features = network.forward(input)
        var breakdown = loss.evaluate(features, gradients: &featureGradients)
        var dInput = network.backward(featureGradients: featureGradients)
        if let spectrum, spectrum.accepts(input.shape) {
            let energy = dInput.data.withUnsafeMutableBufferPointer {
                spectrum.evaluate(input, dInput: $0.baseAddress!)
            }
            add(energy, of: spectrum, to: &breakdown)
        }
        return (breakdown, dInput)
    }
}

/// The spectrum term of a condition: β (`spectrum_weight`) and whether it is taken on one grey
/// channel (grey synthesis) or on the three channels of the model input.
public struct SpectrumSetting: Sendable, Equatable {
    /// The name of the term in a `LossBreakdown`'s layers (no model has a layer of this name).
    public static let layerName = "spectrum"
    public var weight: Double
    public var grey: Bool

    public init(weight: Double, grey: Bool) {
        self.weight = weight
        self.grey = grey
    }
}
