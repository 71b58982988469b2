// Benchmark+Iteration: one L-BFGS-B iteration against one evaluation, both timed inside the same synthesis.

import Foundation
import TextureCore
import TextureSynthesis

/// What an iteration of a real synthesis costs (vgg19-random to pool4, the reference's m = 20),
/// timed after L-BFGS-B's memory has filled, when its own work per iteration is largest.
///
/// Both figures come from one run, so the ratio does not move with the machine's speed the way
/// a ratio of two separate runs does (on the shared 2-core machines, ±10% over minutes).
public struct IterationBenchmark: Codable, Sendable {
    public var model: String
    public var size: Int
    public var cutoff: String
    public var convolution: String
    /// The L-BFGS-B code (LBFGSBImplementation's raw value).
    public var lbfgsb: String
    public var threads: Int
    /// The iterations timed, first…last (1-based, inclusive).
    public var firstIteration: Int
    public var lastIteration: Int
    public var evaluationsPerIteration: Double
    /// Mean wall seconds of one objective evaluation (the network forward and backward, the loss
    /// and the conversions to and from L-BFGS-B's doubles) over the timed iterations.
    public var evaluationSeconds: Double
    /// Mean wall seconds per iteration inside setulb_ (L-BFGS-B's own work, single-threaded).
    public var optimizerSecondsPerIteration: Double
    /// Mean wall seconds per iteration, everything included.
    public var iterationSeconds: Double
    /// iterationSeconds / evaluationSeconds.
    public var ratio: Double
}

extension Benchmark {
    /// Synthesises a side² stimulus of the bench's noise source with vgg19-random to pool4 for
    /// m + 5 untimed iterations, then times the next `timed` iterations.
    public static func timeIteration(
        side: Int, threads: Int, convolution: ConvolutionChoice, code: LBFGSBImplementation = .default,
        timed: Int = 20
    ) throws(PipelineError) -> IterationBenchmark {
        let optimizer = OptimizerSettings()
        let firstIteration = optimizer.memory + 6, lastIteration = firstIteration + timed - 1
        let model = VGG19Weights.random(seed: ModelCatalog.defaultRandomWeightsSeed)
        let objective: TextureObjective
        do {
            objective = try TextureObjective(
                model: model, source: noiseSource(side: side),
                terms: model.terms(layers: LayerPresets.gatysReferenceLayers), threads: threads,
                convolution: convolution.algorithm)
        } catch {
            throw .synthesis(error)
        }
        var before: SynthesisProgress?, after: SynthesisProgress?
        var options = SynthesisOptions(height: side, width: side, iterations: lastIteration, seed: 1)
        options.optimizerCode = code
        options.threads = threads
        do {
            _ = try TextureSynthesizer.synthesize(objective: objective, options: options) { progress in
                if progress.iteration == firstIteration - 1 { before = progress }
                if progress.iteration == lastIteration { after = progress }
            }
        } catch {
            throw .synthesis(error)
        }
        guard let before, let after else {
            throw .invalidArgument(
                name: "--sizes", value: "\(side)",
                hint: "the benchmark's synthesis ended before iteration \(lastIteration); use a larger side")
        }
        let iterations = Double(after.iteration - before.iteration)
        let evaluations = Double(after.evaluations - before.evaluations)
        let evaluationSeconds = (after.objectiveSeconds - before.objectiveSeconds) / evaluations
        let iterationSeconds = (after.seconds - before.seconds) / iterations
        return IterationBenchmark(
            model: model.name, size: side, cutoff: "pool4", convolution: convolution.rawValue, lbfgsb: code.rawValue,
            threads: threads,
            firstIteration: firstIteration, lastIteration: lastIteration,
            evaluationsPerIteration: evaluations / iterations, evaluationSeconds: evaluationSeconds,
            optimizerSecondsPerIteration: (after.optimizerSeconds - before.optimizerSeconds) / iterations,
            iterationSeconds: iterationSeconds, ratio: iterationSeconds / evaluationSeconds)
    }

    /// The bench's source: seeded noise around mid-grey, (3, side, side) in [0, 1].
    static func noiseSource(side: Int) -> Tensor {
        var noise = NormalSampler(seed: 7)
        return Tensor(
            Shape(3, side, side), data: noise.fill(count: 3 * side * side).map { min(max(0.5 + 0.2 * $0, 0), 1) })
    }
}
