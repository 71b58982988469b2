// TextureSynthesizer: white noise → L-BFGS-B on the pixels → optional histogram matching.
//
// Colour mode optimises the model-space input x (3, H, W); each channel is boxed to [min, max] of
// that channel of the preprocessed source. (The paper's reference code uses one box for all
// channels, which lets a channel with a high mean, e.g. red in autumn leaves, leave [0, 1] and be
// clipped at output: 10% of samples in our measurement. Per-channel boxes keep every pixel inside
// the source's own range.) Grey mode optimises one grey plane v (1, H, W) in pixel units inside
// [min, max] of the grey source: the model sees (v, v, v), and ∂L/∂v is the average of the three
// channels' pixel gradients, so the result stays grey.

import TextureCore

public struct SynthesisOptions: Sendable {
    public var height: Int
    public var width: Int
    public var iterations: Int
    public var seed: UInt64
    public var grey: Bool
    public var histogramMatch: Bool
    /// Optional start image, (1 or 3, height, width) pixels in [0, 1]; replaces the noise.
    public var initImage: Tensor?
    public var memory: Int

    public init(height: Int, width: Int, iterations: Int, seed: UInt64, grey: Bool = false,
                histogramMatch: Bool = false, initImage: Tensor? = nil, memory: Int = 20) {
        self.height = height
        self.width = width
        self.iterations = iterations
        self.seed = seed
        self.grey = grey
        self.histogramMatch = histogramMatch
        self.initImage = initImage
        self.memory = memory
    }
}

public struct SynthesisProgress: Sendable {
    public var iteration: Int
    public var totalIterations: Int
    public var loss: Double
    public var seconds: Double
}

public struct SynthesisResult: Sendable {
    /// The stimulus, (1, H, W) in grey mode or (3, H, W), pixels in [0, 1].
    public var pixels: Tensor
    /// Loss at the start noise, at the optimiser's result, and after histogram matching.
    public var initialLoss: LossBreakdown
    public var finalLoss: LossBreakdown
    public var histogramMatchedLoss: LossBreakdown?
    public var iterations: Int
    public var evaluations: Int
    public var stopReason: String
    /// The box per channel the optimiser ran in (model space in colour mode, grey pixels in grey mode).
    public var bounds: [ClosedRange<Double>]
    /// Fraction of output values that fell outside [0, 1] before clamping.
    public var clampedFraction: Double
    public var lossHistory: [Double]
    public var seconds: Double
}

public enum TextureSynthesizer {
    public static func synthesize(
        objective: TextureObjective, options: SynthesisOptions,
        progress: (SynthesisProgress) -> Void = { _ in }, shouldContinue: () -> Bool = { true }
    ) throws(SynthesisError) -> SynthesisResult {
        guard options.iterations >= 1 else {
            throw .invalidSetting(name: "iterations", value: "\(options.iterations)", hint: "use at least 1 iteration")
        }
        let outputShape = Shape(3, options.height, options.width)
        try objective.checkSize(outputShape)
        let clock = ContinuousClock(), start = clock.now
        let space = OptimisationSpace(objective: objective, grey: options.grey, outputShape: outputShape)
        let startPoint = space.startPoint(seed: options.seed, initImage: options.initImage)
        var history: [Double] = []
        let positions = outputShape.positions
        let result = LBFGSB.minimize(
            start: startPoint, lower: space.bounds.flatMap { [Double](repeating: $0.lowerBound, count: positions) },
            upper: space.bounds.flatMap { [Double](repeating: $0.upperBound, count: positions) },
            settings: LBFGSBSettings(maxIterations: options.iterations, memory: options.memory),
            objective: space.lossAndGradient,
            onIteration: { iteration, f in
                history.append(f)
                let seconds = (clock.now - start) / .seconds(1)
                progress(SynthesisProgress(iteration: iteration, totalIterations: options.iterations, loss: f, seconds: seconds))
                return shouldContinue()
            })
        if result.stopReason == "stopped" { throw .cancelled }
        let (pixels, clamped) = space.pixels(result.x)
        var matchedLoss: LossBreakdown?
        var stimulus = pixels
        if options.histogramMatch {
            let reference = options.grey ? ImagePreparation.luma(objective.source) : objective.source
            stimulus = HistogramMatching.match(pixels, to: reference)
            matchedLoss = objective.loss(pixels: stimulus)
        }
        return SynthesisResult(
            pixels: stimulus, initialLoss: objective.loss(input: space.modelInput(startPoint)),
            finalLoss: objective.loss(input: space.modelInput(result.x)), histogramMatchedLoss: matchedLoss,
            iterations: result.iterations, evaluations: result.evaluations, stopReason: result.stopReason,
            bounds: space.bounds, clampedFraction: clamped, lossHistory: history,
            seconds: (clock.now - start) / .seconds(1))
    }
}

/// The optimisation variable, its box and its map to the model's input (colour or grey).
struct OptimisationSpace {
    let objective: TextureObjective
    let grey: Bool
    let outputShape: Shape
    /// The source in the optimiser's units: model space (colour) or grey pixels.
    let sourceValues: Tensor
    /// One box per channel of the variable.
    let bounds: [ClosedRange<Double>]

    init(objective: TextureObjective, grey: Bool, outputShape: Shape) {
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

    var variableShape: Shape { grey ? Shape(1, outputShape.height, outputShape.width) : outputShape }

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

    func modelInput(_ x: [Double]) -> Tensor {
        let values = Tensor(variableShape, data: x.map { Float($0) })
        return grey ? objective.transform.apply(ImagePreparation.rgb(values)) : values
    }

    func lossAndGradient(_ x: [Double], _ gradient: inout [Double]) -> Double {
        let (breakdown, dInput) = objective.lossAndGradient(input: modelInput(x))
        if grey {
            let dPixels = objective.transform.pullBack(dInput)
            let m = outputShape.positions
            for i in 0..<m {
                gradient[i] = (Double(dPixels.data[i]) + Double(dPixels.data[m + i]) + Double(dPixels.data[2 * m + i])) / 3
            }
        } else {
            for i in gradient.indices { gradient[i] = Double(dInput.data[i]) }
        }
        return breakdown.total
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
}
