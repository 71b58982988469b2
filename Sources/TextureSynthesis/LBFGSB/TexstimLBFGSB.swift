// TexstimLBFGSB: texstim's own L-BFGS-B, the algorithm of Nocedal's L-BFGS-B 3.0 with its n-long work vectorised and threaded.
//
// One iteration (Byrd, Lu, Nocedal & Zhu 1995; Morales & Nocedal 2011), as in 3.0's `mainlb`:
// the generalised Cauchy point along the projected gradient path, a quasi-Newton step in the
// variables still free there (projected into the box), a Moré–Thuente line search along
// d = z − x (ftol 1e-3, gtol 0.9, xtol 0.1; at most 20 trials), then the new pair (s, y) unless
// sᵀy ≤ ε·(−gᵀd). A singular matrix or a failed line search forgets the pairs and retries the
// iteration from the steepest-descent model; with no pairs left to forget, the run ends.
//
// What differs from the Fortran: the sums over n run in a fixed blocked order (LongVectors),
// so the bits depend on n alone, not on the thread count or on which BLAS is installed; the
// subspace step solves the 2k × 2k system N u = M WᵀZ r (SubspaceMinimization) instead of
// 3.0's LEL′ factorisation of K; both are the paper's direct primal method.

import Foundation

enum TexstimLBFGSB {
    static func minimize(
        start: [Double], lower: [Double], upper: [Double], settings: LBFGSBSettings, threads: Int,
        objective: (_ x: [Double], _ gradient: inout [Double]) -> Double,
        onIteration: (LBFGSBIteration) -> Bool
    ) -> LBFGSBResult {
        let n = start.count, box = Box(lower: lower, upper: upper)
        let vectors = LongVectors(count: n, threads: threads)
        let memory = LimitedMemory(n: n, capacity: settings.optimizer.memory)
        let clock = ContinuousClock()
        var timing = (objective: Duration.zero, callback: Duration.zero, started: clock.now)
        var (x, states) = ((0..<n).map { min(max(start[$0], lower[$0]), upper[$0]) }, initialStates(box))
        var g = [Double](repeating: 0, count: n), evaluations = 0
        func evaluate(_ point: [Double]) -> Double {
            evaluations += 1
            var value = 0.0
            timing.objective += clock.measure { value = objective(point, &g) }
            return value
        }
        var f = evaluate(x), state = SearchState(), last: LBFGSBIteration?
        var reason =
            box.projectedGradientNorm(x: x, g: g) <= settings.optimizer.pgtol
            ? "CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL" : ""
        // Wᵀg for the current g and pairs: the update's pass computes it, else one pass here.
        var wg: [Double]?
        while reason.isEmpty {
            let currentWg = wg ?? memory.wTransposed(g, vectors: vectors)
            wg = nil
            let previous = (x: x, g: g, f: f)
            guard let direction = searchDirection(
                x: x, g: g, wg: currentWg, box: box, states: &states, memory: memory, vectors: vectors),
                let search = lineSearch(
                    x: x, g: g, f: f, z: direction.z, box: box, iterations: state.iterations, vectors: vectors,
                    evaluate: { point in (evaluate(point), g) })
            else {
                // A singular matrix or a failed search: forget the pairs and retry from the
                // steepest-descent model; with none to forget, nothing better can be found.
                x = previous.x; g = previous.g; f = previous.f
                if memory.count == 0 { reason = "ABNORMAL_TERMINATION_IN_LNSRCH"; break }
                memory.reset()
                state.restarts += 1
                continue
            }
            x = search.x; f = search.f
            state.iterations += 1
            let projectedGradient = box.projectedGradientNorm(x: x, g: g)
            let elapsed = clock.now - timing.started
            let iteration = state.record(
                f: f, evaluations: evaluations, projectedGradient: projectedGradient, active: direction.activeCount,
                optimizer: elapsed - timing.objective - timing.callback, objective: timing.objective)
            last = iteration
            var proceed = true
            timing.callback += clock.measure { proceed = onIteration(iteration) }
            reason = stopReason(
                proceed: proceed, iteration: iteration, settings: settings, previous: previous.f, current: f)
            if reason.isEmpty {
                wg = update(memory: memory, g: g, previousG: previous.g, search: search, state: &state, vectors: vectors)
            }
        }
        var result = LBFGSBResult(
            x: x, f: f, iterations: state.iterations, evaluations: evaluations, stopReason: reason, last: last)
        result.restarts = state.restarts
        return result
    }

    /// Nocedal's `iwhere` at the start: unbounded variables, fixed ones (l = u), the rest free.
    static func initialStates(_ box: Box) -> [VariableState] {
        box.lower.indices.map { i in
            if !box.lower[i].isFinite && !box.upper[i].isFinite { return .unbounded }
            return box.lower[i].isFinite && box.upper[i].isFinite && box.upper[i] - box.lower[i] <= 0 ? .fixed : .free
        }
    }

    /// Why the run ends after an iteration ("" to go on), in the order of the Fortran driver: the
    /// caller's stop, the iteration limit, then 3.0's own tests (pgtol, then factr).
    static func stopReason(
        proceed: Bool, iteration: LBFGSBIteration, settings: LBFGSBSettings, previous: Double, current: Double
    ) -> String {
        if !proceed { return "stopped" }
        if iteration.iteration >= settings.maxIterations { return "iteration limit" }
        if iteration.projectedGradient <= settings.optimizer.pgtol {
            return "CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL"
        }
        let tolerance = settings.optimizer.factr * Double.ulpOfOne
        if previous - current <= tolerance * max(abs(previous), abs(current), 1) {
            return "CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH"
        }
        return ""
    }

    struct SearchState {
        var iterations = 0
        var accepted = 0
        var skipped = 0
        /// Times the pairs were forgotten after a singular matrix or a failed line search.
        var restarts = 0

        /// The state the caller sees after an iteration.
        func record(
            f: Double, evaluations: Int, projectedGradient: Double, active: Int, optimizer: Duration,
            objective: Duration
        ) -> LBFGSBIteration {
            LBFGSBIteration(
                iteration: iterations, f: f, evaluations: evaluations, projectedGradient: projectedGradient,
                acceptedUpdates: accepted, skippedUpdates: skipped, activeBounds: active,
                optimizerSeconds: optimizer / .seconds(1), objectiveSeconds: objective / .seconds(1),
                restarts: restarts)
        }
    }

    /// The point z the line search aims at (the subspace minimiser, or the Cauchy point), and the
    /// variables at a bound at the Cauchy point. nil when a matrix turned singular.
    static func searchDirection(
        x: [Double], g: [Double], wg: [Double], box: Box, states: inout [VariableState], memory: LimitedMemory,
        vectors: LongVectors
    ) -> (z: [Double], activeCount: Int)? {
        let cauchy: CauchyPoint
        if !box.constrained && memory.count > 0 {
            // Unconstrained with curvature pairs: the Cauchy point is x itself (3.0 skips `cauchy`).
            cauchy = CauchyPoint(point: x, c: [Double](repeating: 0, count: 2 * memory.count), segments: 0)
        } else {
            guard let point = GeneralizedCauchyPoint.find(
                x: x, g: g, wg: wg, box: box, states: &states, memory: memory, vectors: vectors, epsilon: Double.ulpOfOne)
            else { return nil }
            cauchy = point
        }
        let activeCount = states.reduce(0) { $0 + ($1 == .free || $1 == .unbounded ? 0 : 1) }
        guard let z = SubspaceMinimization.step(
            x: x, g: g, wg: wg, cauchy: cauchy, states: states, box: box, memory: memory, vectors: vectors)
        else { return nil }
        return (z, activeCount)
    }

    /// The accepted point of the line search from x towards z, with φ′ at the start and the end;
    /// nil when d = z − x does not descend or 20 trials did not satisfy the search.
    static func lineSearch(
        x: [Double], g: [Double], f: Double, z: [Double], box: Box, iterations: Int, vectors: LongVectors,
        evaluate: ([Double]) -> (Double, [Double])
    ) -> LineSearchResult? {
        let n = x.count
        let d = (0..<n).map { z[$0] - x[$0] }
        let initialSlope = vectors.dot(d, g)
        guard initialSlope < 0 else { return nil }
        let norm = vectors.dot(d, d).squareRoot()
        let stepMax = box.constrained ? (iterations == 0 ? 1 : box.maximumStep(x: x, d: d)) : 1e10
        let first = iterations == 0 && !box.boxed ? min(1 / norm, stepMax) : min(1, stepMax)
        var search = MoreThuenteSearch(step: first, value: f, slope: initialSlope, stepMin: 0, stepMax: stepMax)
        for _ in 0..<20 {
            let step = search.step
            let point = step == 1 ? z : (0..<n).map { x[$0] + step * d[$0] }
            let (value, gradient) = evaluate(point)
            let slope = vectors.dot(d, gradient)
            if search.next(value: value, slope: slope) != .evaluate {
                return LineSearchResult(x: point, f: value, step: step, d: d, initialSlope: initialSlope, slope: slope)
            }
        }
        return nil
    }

    struct LineSearchResult {
        var x: [Double]
        var f: Double
        var step: Double
        var d: [Double]
        var initialSlope: Double
        var slope: Double
    }

    /// Adds s = step·d, y = g − g_old unless the curvature sᵀy ≤ ε·(−step·gᵀd) (3.0's test);
    /// returns Wᵀg for the grown matrix (nil when nothing was added).
    static func update(
        memory: LimitedMemory, g: [Double], previousG: [Double], search: LineSearchResult,
        state: inout SearchState, vectors: LongVectors
    ) -> [Double]? {
        let step = search.step
        let curvature = step == 1 ? search.slope - search.initialSlope : (search.slope - search.initialSlope) * step
        let scale = step == 1 ? -search.initialSlope : -search.initialSlope * step
        guard curvature > Double.ulpOfOne * scale else {
            state.skipped += 1
            return nil
        }
        state.accepted += 1
        let s = step == 1 ? search.d : search.d.map { step * $0 }
        let y = (0..<g.count).map { g[$0] - previousG[$0] }
        guard let wg = memory.append(s: s, y: y, curvature: curvature, gradient: g, vectors: vectors) else {
            memory.reset()
            return nil
        }
        return wg
    }
}

extension Box {
    /// The longest step along d from x that keeps every bounded variable in the box (3.0's stpmx).
    func maximumStep(x: [Double], d: [Double]) -> Double {
        var limit = 1e10
        for i in x.indices where d[i] != 0 {
            if d[i] < 0 && lower[i].isFinite {
                let room = lower[i] - x[i]
                if room >= 0 { limit = 0 } else if d[i] * limit < room { limit = room / d[i] }
            } else if d[i] > 0 && upper[i].isFinite {
                let room = upper[i] - x[i]
                if room <= 0 { limit = 0 } else if d[i] * limit > room { limit = room / d[i] }
            }
        }
        return limit
    }
}
