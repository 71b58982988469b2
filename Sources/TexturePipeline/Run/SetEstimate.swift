// SetEstimate: the CPU time a set will take, from FLOP counts and a short measured calibration.

import Foundation
import TextureCore
import TextureSynthesis

public struct SetEstimate: Sendable {
    /// Single-thread GFLOP/s measured on this machine for the first job's model.
    public var gflopPerSecond: Double
    /// Estimated seconds of one worker per job, in job order.
    public var secondsPerJob: [Double]
    public var totalCPUSeconds: Double { secondsPerJob.reduce(0, +) }

    /// L-BFGS-B takes about 1.06 evaluations per iteration on these problems (measured on the demo).
    static let evaluationsPerIteration = 1.06

    public static func estimate(_ plan: SetPlan) -> SetEstimate {
        guard let first = plan.jobs.first else { return SetEstimate(gflopPerSecond: 0, secondsPerJob: []) }
        let rate = calibrate(model: plan.model(for: first), layers: first.parameters.layers ?? [])
        let seconds = plan.jobs.map { job -> Double in
            let side = job.parameters.outputSize ?? job.parameters.size ?? 256
            let flops = plan.model(for: job).evaluationFLOPs(input: Shape(3, side, side),
                                                             layers: job.parameters.layers ?? [])
            return flops / 1e9 / rate * Double(job.parameters.iterations) * evaluationsPerIteration
        }
        return SetEstimate(gflopPerSecond: rate, secondsPerJob: seconds)
    }

    /// Times three evaluations at 96² with one thread after one warm-up.
    static func calibrate(model: any TextureModel, layers: [String]) -> Double {
        var sampler = NormalSampler(seed: 1)
        let side = max(96, model.minimumInputSide(layers: layers))
        let source = Tensor(Shape(3, side, side), data: sampler.fill(count: 3 * side * side).map { min(max(0.5 + 0.2 * $0, 0), 1) })
        guard let objective = try? TextureObjective(model: model, source: source, terms: model.terms(layers: layers)) else { return 50 }
        let input = objective.transform.apply(source)
        _ = objective.lossAndGradient(input: input)
        let clock = ContinuousClock(), start = clock.now
        for _ in 0..<3 { _ = objective.lossAndGradient(input: input) }
        let seconds = (clock.now - start) / .seconds(1) / 3
        return model.evaluationFLOPs(input: source.shape, layers: layers) / 1e9 / seconds
    }
}
