// SynthesisObjective: what TextureSynthesizer minimises — a loss of the optimiser's variable and its gradient.
//
// Two kinds conform: TextureObjective (a feature network's Gram matrices, evaluated in float32 on
// the model's input) and PortillaSimoncelliObjective (statistics of the grey plane, in double
// precision). The synthesizer, OptimisationSpace and ScaledEvaluation only see this protocol.

import TextureCore

public protocol SynthesisObjective: AnyObject {
    /// The source pixels after preparation, (3, H, W) in [0, 1] (grey sources with R = G = B).
    var source: Tensor { get }
    /// The map from RGB pixels to the optimiser's variable in colour mode.
    var transform: InputTransform { get }
    /// A run converged when L_final ≤ L_start / requiredLossReduction.
    var requiredLossReduction: Double { get }
    /// Throws when a synthesis of `shape` (3, H, W), grey or colour, is not possible.
    func checkSynthesis(_ shape: Shape, grey: Bool) throws(SynthesisError)
    /// L and ∂L/∂x at the optimiser's variable x of `shape` (channel-major): the grey plane
    /// (1, H, W) in pixel units when `grey`, else the model input (3, H, W). Writes ∂L/∂x.
    func lossAndGradient(variable x: [Double], shape: Shape, grey: Bool, gradient: inout [Double]) -> LossBreakdown
    /// L at the optimiser's variable x.
    func loss(variable x: [Double], shape: Shape, grey: Bool) -> LossBreakdown
    /// L of pixels in [0, 1], (1 or 3, H, W) (a finished stimulus, e.g. after histogram matching).
    func loss(pixels: Tensor) -> LossBreakdown
}

extension TextureObjective: SynthesisObjective {
    public var requiredLossReduction: Double { model.requiredLossReduction }

    public func checkSynthesis(_ shape: Shape, grey: Bool) throws(SynthesisError) {
        try checkSize(shape)
        if let spectrum, (spectrum.channels == 1) != grey {
            throw .invalidSetting(
                name: "spectrum grey", value: "\(spectrum.channels == 1)",
                hint: "build the objective's spectrum setting with grey: \(grey), as the synthesis")
        }
    }

    /// The model's input (3, H, W) for a variable x: T(v, v, v) for a grey plane v, else x itself.
    func modelInput(variable x: [Double], shape: Shape, grey: Bool) -> Tensor {
        let values = Tensor(shape, data: x.map { Float($0) })
        return grey ? transform.apply(ImagePreparation.rgb(values)) : values
    }

    public func lossAndGradient(
        variable x: [Double], shape: Shape, grey: Bool, gradient: inout [Double]
    ) -> LossBreakdown {
        let (breakdown, dInput) = lossAndGradient(input: modelInput(variable: x, shape: shape, grey: grey))
        if grey {
            // The model sees v in all three channels: the chain rule adds their gradients.
            let dPixels = transform.pullBack(dInput)
            let m = shape.positions
            for i in 0..<m {
                gradient[i] = Double(dPixels.data[i]) + Double(dPixels.data[m + i]) + Double(dPixels.data[2 * m + i])
            }
        } else {
            for i in gradient.indices { gradient[i] = Double(dInput.data[i]) }
        }
        return breakdown
    }

    public func loss(variable x: [Double], shape: Shape, grey: Bool) -> LossBreakdown {
        loss(input: modelInput(variable: x, shape: shape, grey: grey))
    }
}
