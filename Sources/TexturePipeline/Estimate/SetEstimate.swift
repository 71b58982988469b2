// SetEstimate: the CPU time a set will take, from measured runs of the same kind or a timed calibration.
//
// A job's seconds = its expected iterations × seconds per iteration, plus its fixed evaluations.
// Seconds per iteration is the median of measured runs of the same key (EstimateKey) when there
// are any; else the calibrated evaluation × evaluations per iteration + L-BFGS-B's own work.
// Expected iterations is the median that measured runs with the same stopping rules and optimiser
// settings needed (capped at the job's limit); without them, the limit, an upper bound when
// something can stop the run early.

import Foundation
import TextureSynthesis

public struct JobEstimate: Sendable, Equatable {
    /// Where a job's figures came from.
    public enum Basis: Sendable, Equatable {
        /// Median of `count` measured runs of the same key; the newest finished at `newest`.
        case runs(count: Int, newest: String)
        /// A calibration timed at `measured` (ISO 8601); `cached`: read from the cache, not timed now.
        case calibration(measured: String, cached: Bool)
        /// Nothing could be timed (the job cannot be built); no estimate.
        case none
    }

    public var seconds: Double
    public var iterations: Double
    public var secondsPerIteration: Double
    public var basis: Basis
    /// True when the job may stop before `iterations` (stopping rules, factr or pgtol) and no
    /// measured run said when: `seconds` is then an upper bound.
    public var upperBound: Bool
}

public struct SetEstimate: Sendable {
    /// Per job, in job order.
    public var jobs: [JobEstimate]
    /// Problems with the cache or the calibration, for the user (never fatal).
    public var warnings: [String] = []
    public var totalCPUSeconds: Double { jobs.map(\.seconds).reduce(0, +) }
    public var isUpperBound: Bool { jobs.contains(where: \.upperBound) }

    /// L-BFGS-B's evaluations per iteration without measured runs: 1.06 on the demo (212 of 200)
    /// and on vgg19-random at 256²; a line search rarely needs a second evaluation.
    static let evaluationsPerIteration = 1.06
    /// Evaluations outside the iterations: the start point's L and ∂L/∂x and the final loss.
    static let fixedEvaluations = 2.0

    /// The estimate of one job with `parameters` from the runs of its key (`runs`, any stopping
    /// rules) or, without runs, its calibration.
    static func job(
        parameters: StimulusParameters, calibration: EstimateCache.Calibration?, cached: Bool,
        runs: [EstimateCache.MeasuredRun]
    ) -> JobEstimate {
        let (iterations, upperBound) = expectedIterations(parameters: parameters, runs: runs)
        if !runs.isEmpty {
            let perIteration = median(runs.map { $0.seconds / Double(max(1, $0.iterations)) })
            return JobEstimate(
                seconds: iterations * perIteration, iterations: iterations, secondsPerIteration: perIteration,
                basis: .runs(count: runs.count, newest: runs.map(\.created).max() ?? ""), upperBound: upperBound)
        }
        guard let calibration else {
            return JobEstimate(
                seconds: 0, iterations: iterations, secondsPerIteration: 0, basis: .none,
                upperBound: upperBound)
        }
        let fixed = (fixedEvaluations + (parameters.histogramMatch ? 1 : 0)) * calibration.evaluationSeconds
        let perIteration =
            calibration.evaluationSeconds * evaluationsPerIteration + calibration.optimizerSecondsPerIteration
        return JobEstimate(
            seconds: fixed + iterations * perIteration, iterations: iterations, secondsPerIteration: perIteration,
            basis: .calibration(measured: calibration.measured, cached: cached), upperBound: upperBound)
    }

    /// The iterations a job will run: the median of the runs that tell (same stopping rules and
    /// optimiser settings, and either stopped before their limit or had a limit at least the
    /// job's), each capped at the job's limit; else the limit itself, an upper bound when the
    /// stopping rules, factr or pgtol can end the run sooner.
    static func expectedIterations(
        parameters: StimulusParameters, runs: [EstimateCache.MeasuredRun]
    ) -> (iterations: Double, upperBound: Bool) {
        let limit = parameters.iterations
        let telling = runs.filter {
            $0.stopping == parameters.stopping && $0.optimizer == parameters.optimizer
                && ($0.iterations < $0.iterationLimit || $0.iterationLimit >= limit)
        }
        if !telling.isEmpty { return (median(telling.map { Double(min($0.iterations, limit)) }), false) }
        let canStopEarly =
            !parameters.stopping.isEmpty || parameters.optimizer.factr > 0 || parameters.optimizer.pgtol > 0
        return (Double(limit), canStopEarly)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
