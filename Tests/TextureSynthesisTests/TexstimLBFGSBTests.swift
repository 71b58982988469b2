// TexstimLBFGSBTests: texstim's own L-BFGS-B against Nocedal's Fortran on the same problems, and its bits for any thread count.

import Testing
@testable import TextureSynthesis

@Suite struct TexstimLBFGSBTests {
    /// f after each iteration, and the result, of a run with `code`.
    static func trace(
        _ code: LBFGSBImplementation, start: [Double], lower: [Double], upper: [Double], iterations: Int,
        threads: Int = 1, objective: ([Double], inout [Double]) -> Double
    ) -> (f: [Double], result: LBFGSBResult, states: [LBFGSBIteration]) {
        var states: [LBFGSBIteration] = []
        let result = LBFGSB.minimize(
            start: start, lower: lower, upper: upper,
            settings: LBFGSBSettings(maxIterations: iterations, code: code), threads: threads,
            objective: objective, onIteration: { states.append($0); return true })
        return (states.map(\.f), result, states)
    }

    /// The chained Rosenbrock function Σ (1 − x_i)² + 100 (x_{i+1} − x_i²)²: not convex.
    static func chainedRosenbrock(_ x: [Double], _ g: inout [Double]) -> Double {
        var value = 0.0
        for i in g.indices { g[i] = 0 }
        for i in 0..<(x.count - 1) {
            let a = 1 - x[i], b = x[i + 1] - x[i] * x[i]
            value += a * a + 100 * b * b
            g[i] += -2 * a - 400 * x[i] * b
            g[i + 1] += 200 * b
        }
        return value
    }

    static func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(a), abs(b), 1e-300) }

    /// A boxed problem whose minimiser (1, …, 1) lies outside the box [−0.6, 0.9]⁴⁰, so bounds turn
    /// active and inactive along the way: both codes take the same path, f equal to 1e-12 for 20
    /// iterations and to 1e-6 after 60 (rounding grows along a non-convex path), with the same
    /// number of evaluations.
    @Test func followsTheFortranOnABoxedNonConvexProblem() {
        let n = 40
        let start = (0..<n).map { Double($0 % 7) / 10 - 0.3 }
        let lower = [Double](repeating: -0.6, count: n), upper = [Double](repeating: 0.9, count: n)
        let fortran = Self.trace(.fortran, start: start, lower: lower, upper: upper, iterations: 60,
                                 objective: Self.chainedRosenbrock)
        let texstim = Self.trace(.texstim, start: start, lower: lower, upper: upper, iterations: 60,
                                 objective: Self.chainedRosenbrock)
        #expect(fortran.f.count == 60 && texstim.f.count == 60)
        for (k, (a, b)) in zip(fortran.f, texstim.f).enumerated() {
            #expect(Self.relative(a, b) < (k < 20 ? 1e-12 : 1e-6), "iteration \(k + 1): \(a) vs \(b)")
        }
        #expect(fortran.result.evaluations == texstim.result.evaluations)
        #expect(zip(fortran.states, texstim.states).allSatisfy { $0.activeBounds == $1.activeBounds })
        #expect(texstim.states.contains { $0.activeBounds > 0 })
    }

    /// Unbounded (no Cauchy point; the first step is 1/‖g‖): Rosenbrock from (−1.2, 1) to (1, 1).
    @Test func followsTheFortranWithoutBounds() {
        let settings = (start: [-1.2, 1.0], lower: [-Double.infinity, -.infinity], upper: [Double.infinity, .infinity])
        let fortran = Self.trace(.fortran, start: settings.start, lower: settings.lower, upper: settings.upper,
                                 iterations: 100, objective: Self.chainedRosenbrock)
        let texstim = Self.trace(.texstim, start: settings.start, lower: settings.lower, upper: settings.upper,
                                 iterations: 100, objective: Self.chainedRosenbrock)
        for (k, (a, b)) in zip(fortran.f, texstim.f).enumerated().prefix(15) {
            #expect(Self.relative(a, b) < 1e-9, "iteration \(k + 1): \(a) vs \(b)")
        }
        #expect(texstim.result.stopReason.hasPrefix("CONVERGENCE") && texstim.result.iterations < 100)
        #expect(abs(texstim.result.x[0] - 1) < 1e-6 && abs(texstim.result.x[1] - 1) < 1e-6,
                "\(texstim.result.x) \(texstim.result.stopReason) \(texstim.result.iterations); Fortran \(fortran.result.x) \(fortran.result.stopReason) \(fortran.result.iterations)")
    }

    /// A problem of n = 40 000 (three blocks of LongVectors, so the threads split real work) with
    /// many bounds active: a separable quartic with a coupling term, its minimiser partly outside the box.
    static func largeObjective(_ x: [Double], _ g: inout [Double]) -> Double {
        var value = 0.0
        let n = x.count
        for i in 0..<n {
            let target = 0.3 * Double(i % 11) - 0.6
            let a = x[i] - target, b = x[(i + 1) % n] - x[i]
            value += a * a * a * a + a * a + 0.5 * b * b
            g[i] = 4 * a * a * a + 2 * a - b
        }
        for i in 0..<n { g[(i + 1) % n] += x[(i + 1) % n] - x[i] }
        return value
    }

    /// m = 3, so the pairs wrap around their ring after three iterations; 12 iterations.
    @Test func largeProblemFollowsTheFortranAndItsBitsDoNotDependOnThreads() {
        let n = 40_000
        let start = (0..<n).map { 0.1 * Double($0 % 13) - 0.6 }
        let lower = [Double](repeating: -0.5, count: n), upper = [Double](repeating: 0.5, count: n)
        func run(_ code: LBFGSBImplementation, threads: Int) -> (f: [Double], result: LBFGSBResult, states: [LBFGSBIteration]) {
            var states: [LBFGSBIteration] = []
            let result = LBFGSB.minimize(
                start: start, lower: lower, upper: upper,
                settings: LBFGSBSettings(maxIterations: 12, memory: 3, code: code), threads: threads,
                objective: Self.largeObjective, onIteration: { states.append($0); return true })
            return (states.map(\.f), result, states)
        }
        let fortran = run(.fortran, threads: 1), one = run(.texstim, threads: 1)
        for (k, (a, b)) in zip(fortran.f, one.f).enumerated() {
            #expect(Self.relative(a, b) < 1e-9, "iteration \(k + 1): \(a) vs \(b)")
        }
        #expect(one.states.last.map { $0.activeBounds > n / 10 && $0.acceptedUpdates > 3 } == true,
                "\(String(describing: one.states.last))")
        for threads in [2, 8] {
            #expect(run(.texstim, threads: threads).result.x == one.result.x, "\(threads) threads")
        }
    }

    /// Fixed variables (l = u) never move, one-sided and unbounded ones are handled as the
    /// Fortran handles them: the same f for 15 iterations.
    @Test func followsTheFortranWithFixedOneSidedAndOpenVariables() {
        let n = 24
        let start = (0..<n).map { 0.05 * Double($0 % 9) - 0.2 }
        let lower = (0..<n).map { i -> Double in [0.0, -0.3, -.infinity, -.infinity][i % 4] }
        let upper = (0..<n).map { i -> Double in [0.0, .infinity, 0.4, .infinity][i % 4] }
        let fortran = Self.trace(.fortran, start: start, lower: lower, upper: upper, iterations: 15,
                                 objective: Self.chainedRosenbrock)
        let texstim = Self.trace(.texstim, start: start, lower: lower, upper: upper, iterations: 15,
                                 objective: Self.chainedRosenbrock)
        #expect(fortran.f.count == texstim.f.count)
        for (k, (a, b)) in zip(fortran.f, texstim.f).enumerated() {
            #expect(Self.relative(a, b) < 1e-10, "iteration \(k + 1): \(a) vs \(b)")
        }
        for i in stride(from: 0, to: n, by: 4) { #expect(texstim.result.x[i] == 0) }
    }

    /// A gradient that stops agreeing with f after a few evaluations makes every line search
    /// fail: texstim's code forgets its pairs and restarts (counted), then ends as the Fortran
    /// does when no pairs are left, at the last good point.
    @Test func failedLineSearchesRestartThenEndLikeTheFortran() {
        func broken() -> ([Double], inout [Double]) -> Double {
            var calls = 0
            return { x, g in
                calls += 1
                let sign = calls <= 6 ? 1.0 : -1.0
                var f = 0.0
                for i in x.indices {
                    let a = x[i] - 0.3 * Double(i + 1)
                    f += a * a * (1 + Double(i))
                    g[i] = sign * 2 * a * (1 + Double(i))
                }
                return f
            }
        }
        let lower = [Double](repeating: -2, count: 5), upper = [Double](repeating: 2, count: 5)
        let start = [Double](repeating: 1.5, count: 5)
        let fortran = Self.trace(.fortran, start: start, lower: lower, upper: upper, iterations: 50, objective: broken())
        let texstim = Self.trace(.texstim, start: start, lower: lower, upper: upper, iterations: 50, objective: broken())
        #expect(texstim.result.stopReason == "ABNORMAL_TERMINATION_IN_LNSRCH", "\(texstim.result.stopReason)")
        #expect(fortran.result.stopReason.hasPrefix("ABNORMAL_TERMINATION_IN_LNSRCH"), "\(fortran.result.stopReason)")
        #expect(texstim.states.last.map { $0.acceptedUpdates > 0 } == true)
        #expect(texstim.result.restarts == 1 && texstim.f.count == fortran.f.count)
        #expect(Self.relative(texstim.result.f, fortran.result.f) < 1e-9, "\(texstim.result.f) vs \(fortran.result.f)")
    }

    /// Iteration counts, evaluations and the bookkeeping the synthesis reads (as LBFGSBTests checks
    /// for the Fortran): each iteration after the first accepts or skips one pair.
    @Test func iterationStateCountsUpdatesAndEvaluations() {
        var calls = 0
        let result = LBFGSB.minimize(
            start: [3, 4], lower: [-10, -10], upper: [10, 10], settings: LBFGSBSettings(maxIterations: 4, code: .texstim),
            objective: { x, g in
                calls += 1
                g[0] = 2 * x[0] + x[1]; g[1] = 8 * x[1] + x[0]
                return x[0] * x[0] + 4 * x[1] * x[1] + x[0] * x[1]
            })
        #expect(result.iterations == 4 && result.stopReason == "iteration limit")
        #expect(result.evaluations == calls)
        let last = try! #require(result.last)
        #expect(last.acceptedUpdates + last.skippedUpdates == 3)
        #expect(last.evaluations == calls)
    }
}
