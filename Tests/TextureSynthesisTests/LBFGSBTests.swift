// LBFGSBTests: both codes of L-BFGS-B (Debian's Fortran, texstim's) on problems with known minimisers.

import Testing
import TextureSynthesis

@Suite struct LBFGSBTests {
    @Test(arguments: LBFGSBImplementation.allCases) func rosenbrockReachesOneOne(code: LBFGSBImplementation) {
        // f = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1); unbounded.
        let result = LBFGSB.minimize(
            start: [-1.2, 1], lower: [-.infinity, -.infinity], upper: [.infinity, .infinity],
            settings: LBFGSBSettings(maxIterations: 200, memory: 20, factr: 10, pgtol: 1e-10, code: code)
        ) { x, g in
            let (a, b) = (x[0], x[1])
            g[0] = -2 * (1 - a) - 400 * a * (b - a * a)
            g[1] = 200 * (b - a * a)
            return (1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a)
        }
        #expect(abs(result.x[0] - 1) < 1e-5 && abs(result.x[1] - 1) < 1e-5, "\(result.x)")
        #expect(result.f < 1e-10)
        #expect(result.evaluations >= result.iterations)
    }

    @Test(arguments: LBFGSBImplementation.allCases) func boundedQuadraticStopsOnActiveBounds(code: LBFGSBImplementation) {
        // f = Σ (x_i − c_i)², c = (2, −3, 0.5), box [−1, 1]³: minimiser (1, −1, 0.5).
        let c = [2.0, -3, 0.5]
        let result = LBFGSB.minimize(
            start: [0, 0, 0], lower: [-1, -1, -1], upper: [1, 1, 1],
            settings: LBFGSBSettings(maxIterations: 50, factr: 10, pgtol: 1e-12, code: code)
        ) { x, g in
            var f = 0.0
            for i in 0..<3 {
                g[i] = 2 * (x[i] - c[i])
                f += (x[i] - c[i]) * (x[i] - c[i])
            }
            return f
        }
        #expect(result.x == [1, -1, 0.5], "\(result.x)")
        #expect(abs(result.f - (1 + 4)) < 1e-12)
        #expect(result.stopReason.hasPrefix("CONVERGENCE"), "\(result.stopReason)")
    }

    @Test(arguments: LBFGSBImplementation.allCases) func stopsAtTheIterationLimit(code: LBFGSBImplementation) {
        var calls = 0
        let result = LBFGSB.minimize(
            start: [3, 4], lower: [-10, -10], upper: [10, 10], settings: LBFGSBSettings(maxIterations: 2, code: code)
        ) { x, g in
            calls += 1
            g[0] = 2 * x[0] + x[1]; g[1] = 8 * x[1] + x[0]
            return x[0] * x[0] + 4 * x[1] * x[1] + x[0] * x[1]
        }
        #expect(result.iterations == 2)
        #expect(result.stopReason == "iteration limit")
        #expect(result.evaluations == calls)
    }

    /// The state read from setulb_'s isave/dsave: every iteration after the first accepts or skips
    /// one curvature pair, the evaluations are L-BFGS-B's own count, and on the bounded quadratic
    /// two variables end at a bound with a projected gradient of 0 (the other one is free at c).
    @Test(arguments: LBFGSBImplementation.allCases) func iterationStateIsReadFromTheRightSlots(code: LBFGSBImplementation) {
        let c = [2.0, -3, 0.5]
        var states: [LBFGSBIteration] = []
        var calls = 0
        let result = LBFGSB.minimize(
            start: [0, 0, 0.9], lower: [-1, -1, -1], upper: [1, 1, 1], settings: LBFGSBSettings(maxIterations: 3, code: code),
            objective: { x, g in
                calls += 1
                var f = 0.0
                for i in 0..<3 {
                    g[i] = 2 * (x[i] - c[i])
                    f += (x[i] - c[i]) * (x[i] - c[i])
                }
                return f
            },
            onIteration: { states.append($0); return true })
        #expect(states.map(\.iteration) == Array(1...states.count) && result.last == states.last)
        for state in states { #expect(state.acceptedUpdates + state.skippedUpdates == state.iteration - 1, "\(state)") }
        #expect(states.last?.evaluations == calls)
        let last = try! #require(states.last)
        #expect(last.activeBounds == 2 && abs(last.projectedGradient) < 1e-9, "\(last)")
        #expect(abs(states[0].projectedGradient - 0.8) < 1e-12, "‖P(x − ∇f) − x‖∞ at the first iterate: \(states[0])")
    }
}
