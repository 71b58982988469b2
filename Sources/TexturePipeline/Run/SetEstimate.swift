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

    /// Network jobs from FLOPs at the calibrated rate; portilla-simoncelli jobs from one timed
    /// evaluation at their size and settings (its cost is FFTs, not FLOP-counted convolutions).
    public static func estimate(_ plan: SetPlan) -> SetEstimate {
        guard !plan.jobs.isEmpty else { return SetEstimate(gflopPerSecond: 0, secondsPerJob: []) }
        let firstNetwork = plan.jobs.first { plan.model(for: $0) != nil }
        let rate = firstNetwork.map { calibrate(model: plan.model(for: $0)!, layers: $0.parameters.layers ?? []) } ?? 0
        var evaluationSeconds: [String: Double] = [:]
        let seconds = plan.jobs.map { job -> Double in
            let side = job.parameters.outputSize ?? job.parameters.size ?? 256
            let evaluation: Double
            if let model = plan.model(for: job) {
                evaluation =
                    model.evaluationFLOPs(input: Shape(3, side, side), layers: job.parameters.layers ?? []) / 1e9 / rate
            } else {
                let settings = job.parameters.portillaSimoncelli ?? PortillaSimoncelliSettings()
                let key = "\(side)|\(settings)"
                evaluation = evaluationSeconds[key] ?? portillaSimoncelliSeconds(side: side, settings: settings)
                evaluationSeconds[key] = evaluation
            }
            return evaluation * Double(job.parameters.iterations) * evaluationsPerIteration
        }
        return SetEstimate(gflopPerSecond: rate, secondsPerJob: seconds)
    }

    /// Seconds of one Portilla–Simoncelli evaluation (loss and gradient) at side², one warm-up, two timed.
    static func portillaSimoncelliSeconds(side: Int, settings: PortillaSimoncelliSettings) -> Double {
        var sampler = NormalSampler(seed: 1)
        let source = Tensor(
            Shape(1, side, side), data: sampler.fill(count: side * side).map { min(max(0.5 + 0.2 * $0, 0), 1) })
        guard let objective = try? PortillaSimoncelliObjective(source: source, settings: settings) else { return 0 }
        let x = source.data.map(Double.init), shape = Shape(1, side, side)
        var gradient = [Double](repeating: 0, count: x.count)
        _ = objective.lossAndGradient(variable: x, shape: shape, grey: true, gradient: &gradient)
        let clock = ContinuousClock(), start = clock.now
        for _ in 0..<2 { _ = objective.lossAndGradient(variable: x, shape: shape, grey: true, gradient: &gradient) }
        return (clock.now - start) / .seconds(1) / 2
    }

    /// Times three evaluations at 96² with one thread after one warm-up.
    static func calibrate(model: any TextureModel, layers: [String]) -> Double {
        var sampler = NormalSampler(seed: 1)
        let side = max(96, model.minimumInputSide(layers: layers))
        let source = Tensor(
            Shape(3, side, side), data: sampler.fill(count: 3 * side * side).map { min(max(0.5 + 0.2 * $0, 0), 1) })
        guard let objective = try? TextureObjective(model: model, source: source, terms: model.terms(layers: layers))
        else { return 50 }
        let input = objective.transform.apply(source)
        _ = objective.lossAndGradient(input: input)
        let clock = ContinuousClock(), start = clock.now
        for _ in 0..<3 { _ = objective.lossAndGradient(input: input) }
        let seconds = (clock.now - start) / .seconds(1) / 3
        return model.evaluationFLOPs(input: source.shape, layers: layers) / 1e9 / seconds
    }
}
