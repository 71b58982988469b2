// Convergence: optional stopping rules, the per-iteration loss record, and the converged verdict.

import TextureCore

/// Stopping rules besides the iteration limit. All off by default, so the reference setting
/// (L-BFGS-B with factr = pgtol = 0, stopped only by the iteration limit) stays the default.
public struct StoppingRules: Sendable, Codable, Equatable {
    /// Stop when the loss fell by less than `relativeChange` · L(k − window) over the last
    /// `window` iterations, i.e. (L(k − window) − L(k)) / L(k − window) < relativeChange.
    public var window: Int?
    public var relativeChange: Double?
    /// Stop as soon as the loss is at or below this value.
    public var lossTarget: Double?

    public init(window: Int? = nil, relativeChange: Double? = nil, lossTarget: Double? = nil) {
        self.window = window
        self.relativeChange = relativeChange
        self.lossTarget = lossTarget
    }

    public var isEmpty: Bool { window == nil && lossTarget == nil }

    /// The rule that fires after iteration k of `trace` (trace[0] is the start loss), or nil.
    public func firedRule(trace: [Double]) -> String? {
        guard let loss = trace.last else { return nil }
        if let lossTarget, loss <= lossTarget { return "loss target" }
        if let window, let relativeChange, trace.count > window {
            let before = trace[trace.count - 1 - window]
            if before > 0 && (before - loss) / before < relativeChange { return "relative change over window" }
        }
        return nil
    }
}

/// Per-layer losses at one iteration (0 = the start noise).
public struct LayerLossSample: Sendable, Codable, Equatable {
    public var iteration: Int
    public var layers: [String: Double]
}

/// How the optimisation went: enough to tell a converged run from a stalled one afterwards.
public struct ConvergenceRecord: Sendable, Codable, Equatable {
    /// Every this many iterations (and at the end) the per-layer losses are recorded.
    public static let layerSampleInterval = 10

    /// Total loss L at the start (index 0) and after each iteration (index k).
    public var lossTrace: [Double]
    /// Per-layer losses every `layerSampleInterval` iterations and at the end.
    public var layerTrace: [LayerLossSample]
    public var evaluations: Int
    /// ‖P(x − ∇L) − x‖∞ at the end, in the loss's own units (the objective scale removed).
    public var projectedGradient: Double?
    /// Curvature pairs L-BFGS-B accepted and skipped (sᵀy ≤ 0: no usable curvature).
    public var acceptedUpdates: Int?
    public var skippedUpdates: Int?
    /// Variables at a bound in the last iteration.
    public var activeBounds: Int?
    /// texstim's L-BFGS-B: times it forgot its curvature pairs after a singular matrix or a failed
    /// line search and went on from steepest descent (absent for the Fortran, which does not
    /// report it, and in records made before it was recorded). A few are normal; many mean the
    /// objective or its gradient misbehaved.
    public var restarts: Int?
    /// The factor s the optimiser's f and ∇f were multiplied by (see OptimisationSpace.objectiveScale).
    public var objectiveScale: Double
    /// Why the run ended: "iteration limit", "loss target", "relative change over window", or
    /// L-BFGS-B's own message (e.g. ABNORMAL_TERMINATION_IN_LNSRCH).
    public var stopReason: String
    public var stoppingRules: StoppingRules
    /// The run converged when L_final ≤ L_start / requiredReduction.
    public var requiredReduction: Double
    public var converged: Bool

    /// The verdict for a start and final loss: L_final ≤ L_start / factor, and both finite.
    public static func converged(initial: Double, final: Double, requiredReduction: Double) -> Bool {
        initial.isFinite && final.isFinite && final <= initial / requiredReduction
    }
}

/// Collects the loss trace during a run and turns it into the ConvergenceRecord at the end.
struct ConvergenceRecorder {
    let stopping: StoppingRules
    private(set) var trace: [Double]
    private(set) var layerTrace: [LayerLossSample]
    /// The stopping rule that ended the run, if one did.
    private(set) var firedRule: String?

    init(start: LossBreakdown, stopping: StoppingRules) {
        self.stopping = stopping
        trace = [start.total]
        layerTrace = [LayerLossSample(iteration: 0, layers: start.layers)]
    }

    /// Records iteration k's losses; returns true when a stopping rule fires.
    mutating func record(iteration: Int, loss: LossBreakdown) -> Bool {
        trace.append(loss.total)
        if iteration % ConvergenceRecord.layerSampleInterval == 0 {
            layerTrace.append(LayerLossSample(iteration: iteration, layers: loss.layers))
        }
        firedRule = stopping.firedRule(trace: trace)
        return firedRule != nil
    }

    /// The record of a finished run; L-BFGS-B's projected gradient is divided by the objective scale.
    func finish(
        result: LBFGSBResult, finalLoss: LossBreakdown, objectiveScale: Double, requiredReduction: Double
    ) -> ConvergenceRecord {
        var layers = layerTrace
        if layers.last?.iteration != result.iterations {
            layers.append(LayerLossSample(iteration: result.iterations, layers: finalLoss.layers))
        }
        return ConvergenceRecord(
            lossTrace: trace, layerTrace: layers, evaluations: result.evaluations,
            projectedGradient: result.last.map { $0.projectedGradient / objectiveScale },
            acceptedUpdates: result.last?.acceptedUpdates, skippedUpdates: result.last?.skippedUpdates,
            activeBounds: result.last?.activeBounds, restarts: result.restarts, objectiveScale: objectiveScale,
            stopReason: firedRule ?? result.stopReason, stoppingRules: stopping, requiredReduction: requiredReduction,
            converged: ConvergenceRecord.converged(
                initial: trace[0], final: finalLoss.total, requiredReduction: requiredReduction))
    }
}
