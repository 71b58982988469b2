// PortillaSimoncelliObjective: the Portilla–Simoncelli statistics loss of a grey image, as a SynthesisObjective (grey only, the source's size).

import PortillaSimoncelli
import TextureCore

/// L(v) = ‖w ⊙ (s(v) − s(source))‖² over plenoptic's statistic vector (`PortillaSimoncelliLoss`),
/// for the grey plane v (1, H, W) in pixel units, in double precision throughout (no float32
/// model input: v goes to the statistics as is, ∂L/∂v comes back as is). The layers of a
/// `LossBreakdown` are the statistic groups.
///
/// Grey only (the statistics are of one grey plane) and at the source's size (the model's masks
/// and the statistics' shapes depend on the size, as in plenoptic).
public final class PortillaSimoncelliObjective: SynthesisObjective {
    public let loss: PortillaSimoncelliLoss
    /// (3, H, W) with R = G = B = the grey source.
    public let source: Tensor
    /// Unused (grey only); the identity.
    public let transform = Preprocessing.sourceMeanRGB.transform(sourceMean: [0, 0, 0])
    /// A run converged when the loss fell at least this many times (see `defaultRequiredLossReduction`).
    public let requiredLossReduction: Double
    /// The matched statistics' parameters.
    public let settings: PortillaSimoncelliSettings

    /// The convergence factor of a Portilla–Simoncelli synthesis: 100. Measured (docs/portilla-simoncelli.md,
    /// "Convergence measurements"): 200 L-BFGS-B iterations at 128² (S4 K4 W7, seed 0) reach
    /// 756× (brick wall), 1.9·10⁴× (grass) and 6.2·10⁴× (pebbles) below the start noise's loss;
    /// 100 lies 7.5× under the worst, and 10× above the network models' 10.
    public static let defaultRequiredLossReduction: Double = 100

    /// - Parameter source: pixels in [0, 1], (1, H, W) grey or (3, H, W) RGB (made grey by
    ///   `ImagePreparation.luma`, Rec. 709).
    public convenience init(
        source: Tensor, scales: Int = 4, orientations: Int = 4,
        correlationWidth: Int = 7
    ) throws(PortillaSimoncelliError) {
        try self.init(
            source: source,
            settings: PortillaSimoncelliSettings(
                nScales: scales, nOrientations: orientations,
                spatialCorrWidth: correlationWidth))
    }

    /// The objective of `settings` (unselected statistic groups weigh 0) for `source` (as above).
    public init(source: Tensor, settings: PortillaSimoncelliSettings) throws(PortillaSimoncelliError) {
        let grey = ImagePreparation.luma(source)
        let model = try PortillaSimoncelliModel(
            height: grey.shape.height, width: grey.shape.width,
            scales: settings.nScales, orientations: settings.nOrientations,
            correlationWidth: settings.spatialCorrWidth)
        loss = PortillaSimoncelliLoss(model: model, source: Self.plane(grey), reweighting: settings.reweighting)
        self.source = ImagePreparation.rgb(grey)
        self.settings = settings
        requiredLossReduction = Self.defaultRequiredLossReduction
    }

    public func checkSynthesis(_ shape: Shape, grey: Bool) throws(SynthesisError) {
        guard grey else {
            throw .invalidSetting(
                name: "grey", value: "false",
                hint: "the Portilla–Simoncelli statistics are greyscale only: synthesise with grey: true")
        }
        guard shape.height == loss.model.height && shape.width == loss.model.width else {
            throw .invalidSetting(
                name: "output size", value: "\(shape.width)×\(shape.height)",
                hint:
                    "the Portilla–Simoncelli statistics are matched at the source's size, \(loss.model.width)×\(loss.model.height)"
            )
        }
    }

    public func lossAndGradient(
        variable x: [Double], shape: Shape, grey: Bool, gradient: inout [Double]
    ) -> LossBreakdown {
        let (breakdown, dImage) = loss.lossAndGradient(RealPlane(height: shape.height, width: shape.width, values: x))
        for i in gradient.indices { gradient[i] = dImage.values[i] }
        return breakdown
    }

    public func loss(variable x: [Double], shape: Shape, grey: Bool) -> LossBreakdown {
        loss.loss(RealPlane(height: shape.height, width: shape.width, values: x))
    }

    public func loss(pixels: Tensor) -> LossBreakdown { loss.loss(Self.plane(ImagePreparation.luma(pixels))) }

    /// A (1, H, W) tensor as a plane of doubles.
    static func plane(_ grey: Tensor) -> RealPlane {
        RealPlane(height: grey.shape.height, width: grey.shape.width, values: grey.data.map(Double.init))
    }
}
