// TextureSynthesizer: white noise → L-BFGS-B on the pixels → optional histogram matching.
//
// Colour mode optimises the model-space input x (3, H, W); each channel is boxed to [min, max] of
// that channel of the preprocessed source. (The paper's reference code uses one box for all
// channels, which lets a channel with a high mean, e.g. red in autumn leaves, leave [0, 1] and be
// clipped at output: 10% of samples in our measurement. Per-channel boxes keep every pixel inside
// the source's own range.) Grey mode optimises one grey plane v (1, H, W) in pixel units inside
// [min, max] of the grey source: the model sees (v, v, v), and ∂L/∂v is the sum of the three
// channels' pixel gradients, so the result stays grey (see OptimisationSpace).
//
// L-BFGS-B sees s·L and s·∇L with s from the start gradient (OptimisationSpace.objectiveScale);
// every loss reported here is L itself, the spectrum term β E_spec included when the objective has one.

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
    /// L-BFGS-B's memory and tolerances (the reference's by default).
    public var optimizer: OptimizerSettings
    /// Optional stopping rules besides the iteration limit (off by default).
    public var stopping = StoppingRules()
    /// Which code runs L-BFGS-B (`reproduce` sets the recorded one), and its threads (the bits do
    /// not depend on them).
    public var optimizerCode = LBFGSBImplementation.default
    public var threads = 1

    public init(
        height: Int, width: Int, iterations: Int, seed: UInt64, grey: Bool = false,
        histogramMatch: Bool = false, initImage: Tensor? = nil,
        optimizer: OptimizerSettings = OptimizerSettings()
    ) {
        self.height = height
        self.width = width
        self.iterations = iterations
        self.seed = seed
        self.grey = grey
        self.histogramMatch = histogramMatch
        self.initImage = initImage
        self.optimizer = optimizer
    }
}

public struct SynthesisProgress: Sendable {
    public var iteration: Int
    public var totalIterations: Int
    public var loss: Double
    /// Wall seconds since the synthesis started.
    public var seconds: Double
    /// Evaluations of the objective so far, and the wall seconds spent in them and in L-BFGS-B's
    /// own work (LBFGSBIteration).
    public var evaluations: Int = 0
    public var objectiveSeconds: Double = 0
    public var optimizerSeconds: Double = 0
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
    public var convergence: ConvergenceRecord
    /// The settings L-BFGS-B was given (the LBFGSBSettings handed to setulb_, for provenance).
    public var optimizer: OptimizerSettings
    /// The code that ran L-BFGS-B.
    public var optimizerCode: LBFGSBImplementation
    /// The box per channel the optimiser ran in (model space in colour mode, grey pixels in grey mode).
    public var bounds: [ClosedRange<Double>]
    /// Fraction of output values that fell outside [0, 1] before clamping.
    public var clampedFraction: Double
    public var seconds: Double
    /// CPU seconds of the calling thread over the same span (all of the synthesis's CPU time
    /// when it computes on one thread, as each job of `run` does; unaffected by other processes).
    public var threadCPUSeconds: Double
}

public enum TextureSynthesizer {
    public static func synthesize(
        objective: any SynthesisObjective, options: SynthesisOptions,
        progress: (SynthesisProgress) -> Void = { _ in }, shouldContinue: () -> Bool = { true }
    ) throws(SynthesisError) -> SynthesisResult {
        guard options.iterations >= 1 else {
            throw .invalidSetting(name: "iterations", value: "\(options.iterations)", hint: "use at least 1 iteration")
        }
        if let problem = options.optimizer.problem {
            throw .invalidSetting(name: problem.name, value: problem.value, hint: problem.hint)
        }
        let outputShape = Shape(3, options.height, options.width)
        try objective.checkSynthesis(outputShape, grey: options.grey)
        let clock = ContinuousClock(), start = clock.now, startCPU = SynthesisTiming.threadCPUSeconds()
        let space = OptimisationSpace(objective: objective, grey: options.grey, outputShape: outputShape)
        let startPoint = space.startPoint(seed: options.seed, initImage: options.initImage)
        var evaluation = ScaledEvaluation(space: space, start: startPoint)
        var recorder = ConvergenceRecorder(start: evaluation.startLoss, stopping: options.stopping)
        let box = space.variableBounds
        let settings = LBFGSBSettings(
            maxIterations: options.iterations, optimizer: options.optimizer, code: options.optimizerCode)
        let result = LBFGSB.minimize(
            start: startPoint, lower: box.lower, upper: box.upper, settings: settings, threads: options.threads,
            objective: { x, gradient in evaluation.evaluate(x, &gradient) },
            onIteration: { state in
                // The latest evaluation was at the accepted iterate: its breakdown is this iteration's.
                let stop = recorder.record(iteration: state.iteration, loss: evaluation.latest)
                let seconds = (clock.now - start) / .seconds(1)
                progress(
                    SynthesisProgress(
                        iteration: state.iteration, totalIterations: options.iterations, loss: evaluation.latest.total,
                        seconds: seconds, evaluations: state.evaluations, objectiveSeconds: state.objectiveSeconds,
                        optimizerSeconds: state.optimizerSeconds))
                return !stop && shouldContinue()
            })
        if result.stopReason == "stopped" && recorder.firedRule == nil { throw .cancelled }
        let finalLoss = space.loss(result.x)
        let convergence = recorder.finish(
            result: result, finalLoss: finalLoss, objectiveScale: evaluation.scale,
            requiredReduction: objective.requiredLossReduction)
        let (pixels, clamped) = space.pixels(result.x)
        var matchedLoss: LossBreakdown?
        var stimulus = pixels
        if options.histogramMatch {
            let reference = options.grey ? ImagePreparation.luma(objective.source) : objective.source
            stimulus = HistogramMatching.match(pixels, to: reference)
            matchedLoss = objective.loss(pixels: stimulus)
        }
        return SynthesisResult(
            pixels: stimulus, initialLoss: evaluation.startLoss, finalLoss: finalLoss,
            histogramMatchedLoss: matchedLoss,
            iterations: result.iterations, evaluations: result.evaluations, stopReason: convergence.stopReason,
            convergence: convergence, optimizer: settings.optimizer, optimizerCode: settings.code, bounds: space.bounds, clampedFraction: clamped,
            seconds: (clock.now - start) / .seconds(1), threadCPUSeconds: SynthesisTiming.threadCPUSeconds() - startCPU)
    }
}
