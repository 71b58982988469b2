// SynthesisTiming: the CPU cost of one loss + gradient evaluation and one L-BFGS-B iteration, run as a synthesis does.
//
// `texstim plan`'s estimate calibrates on these: the evaluation on the objective a job builds, at
// the job's size, from the start point its synthesis would use (not a FLOP count scaled from
// another size: the rate varies with size, layer and convolution algorithm), and the optimiser's
// own O(m·n) work per iteration, which is a large part of an iteration for the small, cheap
// embedded-model jobs. Both count the timing thread's CPU time, not the wall clock: a busy
// machine (other users, builds) stretches wall time but not the CPU time a job will need.

import Foundation
import TextureCore

public enum SynthesisTiming {
    /// CPU seconds the calling thread has used (CLOCK_THREAD_CPUTIME_ID).
    public static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// Median CPU seconds of `timed` evaluations of L and ∂L/∂x at the start point of a synthesis
    /// with `options`, after one untimed warm-up (the first evaluation allocates and plans).
    public static func evaluationSeconds(
        objective: any SynthesisObjective, options: SynthesisOptions, timed: Int = 3
    ) throws(SynthesisError) -> Double {
        let outputShape = Shape(3, options.height, options.width)
        try objective.checkSynthesis(outputShape, grey: options.grey)
        let space = OptimisationSpace(objective: objective, grey: options.grey, outputShape: outputShape)
        let x = space.startPoint(seed: options.seed, initImage: options.initImage)
        var gradient = [Double](repeating: 0, count: x.count)
        _ = space.lossAndGradient(x, &gradient)
        let seconds = (0..<max(1, timed)).map { _ in
            let start = threadCPUSeconds()
            _ = space.lossAndGradient(x, &gradient)
            return threadCPUSeconds() - start
        }
        return median(seconds)
    }

    /// CPU seconds of L-BFGS-B's own work per iteration (Cauchy point, subspace minimisation, line
    /// search bookkeeping: O(m·n)) for `variables` unknowns in a box with memory `memory`, once
    /// the memory is full. Timed on a cheap separable quadratic f = ½ Σ cᵢ (xᵢ − tᵢ)² with
    /// curvatures cᵢ spread over three decades (so it does not converge within the timed
    /// iterations), the quadratic's own evaluation time subtracted.
    public static func optimizerSecondsPerIteration(variables: Int, memory: Int, timedIterations: Int = 6) -> Double {
        let n = max(1, variables)
        let curvature = (0..<n).map { pow(10, 3 * Double($0 % 97) / 96) }
        let target = (0..<n).map { 0.5 + 0.4 * sin(Double($0)) }
        let start = (0..<n).map { 0.5 + 0.3 * cos(0.7 * Double($0)) }
        var objectiveSeconds = 0.0
        var marks: [(time: Double, objective: Double)] = []
        let settings = LBFGSBSettings(maxIterations: memory + timedIterations, memory: memory)
        _ = LBFGSB.minimize(
            start: start, lower: [Double](repeating: 0, count: n), upper: [Double](repeating: 1, count: n),
            settings: settings,
            objective: { x, gradient in
                let begin = threadCPUSeconds()
                var f = 0.0
                for i in 0..<n {
                    let difference = x[i] - target[i]
                    f += 0.5 * curvature[i] * difference * difference
                    gradient[i] = curvature[i] * difference
                }
                objectiveSeconds += threadCPUSeconds() - begin
                return f
            },
            onIteration: { _ in
                marks.append((threadCPUSeconds(), objectiveSeconds))
                return true
            })
        // From the iteration that filled the memory (or the first, if it stopped before) to the last.
        guard let last = marks.last, let first = marks.count > memory ? marks[memory - 1] : marks.first,
            marks.count > 1
        else { return 0 }
        let iterations = Double(marks.count - 1 - (marks.count > memory ? memory - 1 : 0))
        let seconds = (last.time - first.time) - (last.objective - first.objective)
        return max(0, seconds / iterations)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
