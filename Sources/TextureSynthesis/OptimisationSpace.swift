// OptimisationSpace: the optimiser's variable, its box, its map to the model's input, and the scale of f.
//
// Colour mode: the variable is the model-space input x (3, H, W) itself, each channel boxed to
// [min, max] of that channel of the preprocessed source.
// Grey mode: the variable is one grey plane v (1, H, W) in pixel units inside [min, max] of the
// grey source; the model sees x = T(v, v, v) with T the model's preprocessing, so by the chain
// rule ∂L/∂v = Σ_c (Tᵀ ∂L/∂x)_c, the **sum** over the three channels' pixel gradients
// (TextureObjective's `lossAndGradient(variable:)`; PortillaSimoncelliObjective works on v itself).

import TextureCore

struct OptimisationSpace {
    let objective: any SynthesisObjective
    let grey: Bool
    let outputShape: Shape
    /// The source in the optimiser's units: model space (colour) or grey pixels.
    let sourceValues: Tensor
    /// One box per channel of the variable.
    let bounds: [ClosedRange<Double>]

    init(objective: any SynthesisObjective, grey: Bool, outputShape: Shape) {
        self.objective = objective
        self.grey = grey
        self.outputShape = outputShape
        let values = grey ? ImagePreparation.luma(objective.source) : objective.transform.apply(objective.source)
        let m = values.shape.positions
        sourceValues = values
        bounds = (0..<values.shape.channels).map { c in
            let channel = values.data[(c * m)..<((c + 1) * m)]
            return Double(channel.min() ?? 0)...Double(channel.max() ?? 0)
        }
    }

    /// (1, H, W) in grey mode, else (3, H, W).
    var variableShape: Shape { grey ? Shape(1, outputShape.height, outputShape.width) : outputShape }

    /// The box of every variable, channel-major like the variable: (lower, upper).
    var variableBounds: (lower: [Double], upper: [Double]) {
        let positions = variableShape.positions
        return (bounds.flatMap { [Double](repeating: $0.lowerBound, count: positions) },
                bounds.flatMap { [Double](repeating: $0.upperBound, count: positions) })
    }

    /// Seeded Gaussian noise with the source's per-channel mean and standard deviation,
    /// clipped to the box; or the init image mapped into the same units.
    func startPoint(seed: UInt64, initImage: Tensor?) -> [Double] {
        let shape = variableShape
        if let initImage {
            let rgb = ImagePreparation.rgb(initImage)
            let values = grey ? ImagePreparation.luma(rgb) : objective.transform.apply(rgb)
            let m = values.shape.positions
            return values.data.enumerated().map { index, value in
                let box = bounds[index / m]
                return min(max(Double(value), box.lowerBound), box.upperBound)
            }
        }
        var sampler = NormalSampler(seed: seed)
        let m = sourceValues.shape.positions
        var start: [Double] = []
        start.reserveCapacity(shape.count)
        for c in 0..<shape.channels {
            let channel = sourceValues.data[(c * m)..<((c + 1) * m)].map(Double.init)
            let mean = channel.reduce(0, +) / Double(m)
            let deviation = (channel.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(m)).squareRoot()
            for _ in 0..<shape.positions {
                start.append(min(max(mean + deviation * sampler.next(), bounds[c].lowerBound), bounds[c].upperBound))
            }
        }
        return start
    }

    /// L(x) per layer at the optimiser's variable.
    func loss(_ x: [Double]) -> LossBreakdown { objective.loss(variable: x, shape: variableShape, grey: grey) }

    /// L(x) per layer and ∂L/∂x at the optimiser's variable, written into `gradient` (unscaled).
    func lossAndGradient(_ x: [Double], _ gradient: inout [Double]) -> LossBreakdown {
        objective.lossAndGradient(variable: x, shape: variableShape, grey: grey, gradient: &gradient)
    }

    /// The optimiser's result as pixels in [0, 1], and the fraction that needed clamping.
    func pixels(_ x: [Double]) -> (Tensor, Double) {
        let values = Tensor(variableShape, data: x.map { Float($0) })
        var pixels = grey ? values : objective.transform.invert(values)
        var clamped = 0
        for i in pixels.data.indices where pixels.data[i] < 0 || pixels.data[i] > 1 {
            clamped += 1
            pixels.data[i] = min(max(pixels.data[i], 0), 1)
        }
        return (pixels, Double(clamped) / Double(pixels.data.count))
    }

    /// The factor s that L-BFGS-B's f and ∇f are multiplied by: s = κ · w̄ / ‖∇L(x₀)‖∞, with w̄
    /// the mean box width and κ = `ObjectiveScaling.firstStepFraction`.
    ///
    /// Why: until L-BFGS-B accepts its first curvature pair it models the Hessian as the
    /// identity, so its trial point is P(x − ∇f), and in a fully boxed problem its line search
    /// never tries a step longer than that (stpmax ≤ 1). The Gram loss is not convex at a noise
    /// start (its curvature sᵀy is negative along −∇f while the noise's feature energy is below
    /// the source's), so every update is skipped and each iteration moves the pixels by ‖∇L‖,
    /// ~5e-4 in the relative-loss units of the embedded model: the run crawls from noise and never
    /// leaves it. With s, the identity model's step moves the steepest pixel by κ·w̄ whatever the
    /// loss's units (relative, or the paper's 1e9 weights); the line search shortens it if needed.
    /// Once a curvature pair is accepted, L-BFGS-B's own scaling θ = yᵀy / sᵀy makes s irrelevant.
    func objectiveScale(startGradient: [Double]) -> Double {
        let largest = startGradient.reduce(0.0) { max($0, abs($1)) }
        let width = bounds.reduce(0.0) { $0 + ($1.upperBound - $1.lowerBound) } / Double(max(1, bounds.count))
        let scale = ObjectiveScaling.firstStepFraction * width / largest
        return scale.isFinite && scale > 0 ? scale : 1
    }
}

/// The objective as L-BFGS-B sees it: s·L and s·∇L, with the start evaluated once to choose s
/// (and reused for L-BFGS-B's first request, which is at the start point).
struct ScaledEvaluation {
    let space: OptimisationSpace
    let start: [Double]
    let startLoss: LossBreakdown
    let startGradient: [Double]
    let scale: Double
    /// The breakdown of the most recent evaluation.
    private(set) var latest: LossBreakdown

    init(space: OptimisationSpace, start: [Double]) {
        self.space = space
        self.start = start
        var gradient = [Double](repeating: 0, count: start.count)
        startLoss = space.lossAndGradient(start, &gradient)
        startGradient = gradient
        scale = space.objectiveScale(startGradient: gradient)
        latest = startLoss
    }

    mutating func evaluate(_ x: [Double], _ gradient: inout [Double]) -> Double {
        if x == start {
            latest = startLoss
            for i in gradient.indices { gradient[i] = scale * startGradient[i] }
        } else {
            latest = space.lossAndGradient(x, &gradient)
            for i in gradient.indices { gradient[i] *= scale }
        }
        return scale * latest.total
    }
}

public enum ObjectiveScaling {
    /// κ: the steepest pixel's share of the box width in L-BFGS-B's first trial step.
    public static let firstStepFraction = 0.25
}
