// TextureModel: what every texture model offers (layers, preprocessing, a feature network).

/// A model turns an image into feature maps whose Gram matrices describe a texture.
/// Models are immutable values shared across threads; a `FeatureNetwork` made from a model
/// holds the buffers for one input size and is used by one thread at a time.
public protocol TextureModel: Sendable {
    /// The name used on the command line and in provenance (`vgg19`, `vgg19-random`, …).
    var name: String { get }
    /// Every layer a condition may match, in forward order.
    var layerNames: [String] { get }
    /// How the model expects pixels (RGB in [0, 1]) to be mapped to its input.
    var preprocessing: Preprocessing { get }
    /// The normalisation c_l its loss uses and the default weight w_l of a matched layer.
    var normalization: LossNormalization { get }
    var defaultLayerWeight: Double { get }
    /// A synthesis has converged when its loss fell at least this many times below the start
    /// noise's (L_final ≤ L_start / factor); a run that did not is reported as not converged.
    var requiredLossReduction: Double { get }
    /// SHA-256 of the weights file, or nil for a model without one.
    var weightsSHA256: String? { get }
    /// The layers matched when a condition names none, for a source of the given size.
    func defaultLayers(sourceShape: Shape) -> [String]
    /// The smallest input side at which all of `layers` are still usable (the model's size rule).
    func minimumInputSide(layers: [String]) -> Int
    /// The size rule in words, for messages: why `minimumInputSide(layers:)` is what it is.
    func minimumInputSideReason(layers: [String]) -> String
    /// A network that computes the features of `layers` for inputs of shape `input`.
    func makeNetwork(
        input: Shape, layers: [String], threads: Int, convolution: any ConvolutionAlgorithm
    ) -> FeatureNetwork
    /// FLOPs of one forward + input-gradient pass to `layers` at `input` (convolutions and Grams).
    func evaluationFLOPs(input: Shape, layers: [String]) -> Double
    /// Bytes one network from `makeNetwork` holds at `input` (activations, gradients, convolution
    /// scratch for `threads` threads) plus the loss's Gram matrices and feature gradients for
    /// `layers`: an upper bound, computed before anything is allocated (see SynthesisMemory).
    func networkBytes(input: Shape, layers: [String], threads: Int) -> Int
    /// Bytes of weights resident during a synthesis to `layers` (with Winograd's transformed copies).
    func weightBytes(layers: [String]) -> Int
}

/// Forward and backward through one model at one input size, with reused buffers.
public protocol FeatureNetwork: AnyObject {
    var inputShape: Shape { get }
    /// Runs the network; returns the features of the requested layers, in request order.
    func forward(_ input: Tensor) -> [Tensor]
    /// Given ∂L/∂features (same order and shapes as `forward`'s result), returns ∂L/∂input.
    /// Must follow a `forward` on the same input.
    func backward(featureGradients: [Tensor]) -> Tensor
}

extension TextureModel {
    /// Checks that every name is a layer of this model.
    public func validate(layers: [String]) throws(TextureCoreError) {
        for layer in layers where !layerNames.contains(layer) {
            throw .unknownLayer(layer, model: name, available: layerNames)
        }
        if layers.isEmpty { throw .noLayers(model: name) }
    }

    public func minimumInputSideReason(layers: [String]) -> String {
        "the deepest of these layers needs at least \(minimumInputSide(layers: layers)) px"
    }

    /// Loss terms for `layers` with the model's default weight (or the given weights).
    public func terms(layers: [String], weights: [Double]? = nil) -> [LayerTerm] {
        layers.enumerated().map { index, layer in
            LayerTerm(layer: layer, weight: weights?[index] ?? defaultLayerWeight, normalization: normalization)
        }
    }
}
