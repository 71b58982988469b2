// TexstimLBFGSBPartsTests: the pieces of texstim's L-BFGS-B against known values and dense reference computations.

import Testing
@testable import TextureSynthesis

@Suite struct TexstimLBFGSBPartsTests {
    /// Deterministic values in (−1, 1).
    static func values(_ count: Int, seed: Int) -> [Double] {
        (0..<count).map { i in
            let t = Double((i + 1) * (seed * 7919 + 104_729) % 10_007) / 10_007
            return 2 * t - 1
        }
    }

    /// A memory of n = 12 with three pairs whose curvatures sᵀy are positive (y = A s + noise,
    /// A positive definite).
    static func memory(pairs: Int = 3, n: Int = 12) -> (LimitedMemory, [[Double]], [[Double]]) {
        let memory = LimitedMemory(n: n, capacity: 5)
        let vectors = LongVectors(count: n, threads: 1)
        var ss: [[Double]] = [], ys: [[Double]] = []
        for p in 0..<pairs {
            let s = values(n, seed: 3 + p), noise = values(n, seed: 40 + p)
            var y = [Double](repeating: 0, count: n)
            for i in 0..<n { y[i] = (2 + Double(i % 4)) * s[i] + 0.1 * noise[i] }
            let curvature = dot(s, y)
            #expect(curvature > 0)
            #expect(memory.append(s: s, y: y, curvature: curvature, gradient: y, vectors: vectors) != nil)
            ss.append(s); ys.append(y)
        }
        return (memory, ss, ys)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    /// M⁻¹ = [−D Lᵀ; L θSᵀS] from the pairs, dense (2k × 2k).
    static func inverseMiddle(_ memory: LimitedMemory, _ s: [[Double]], _ y: [[Double]]) -> [[Double]] {
        let k = s.count, theta = memory.theta
        var m = [[Double]](repeating: [Double](repeating: 0, count: 2 * k), count: 2 * k)
        for i in 0..<k {
            for j in 0..<k {
                if i == j { m[i][j] = -dot(s[i], y[i]) }
                if i > j { m[k + i][j] = dot(s[i], y[j]); m[j][k + i] = dot(s[i], y[j]) }
                m[k + i][k + j] = theta * dot(s[i], s[j])
            }
        }
        return m
    }

    @Test func middleTimesInvertsTheDenseMiddleMatrix() throws {
        let (memory, s, y) = Self.memory()
        let inverse = Self.inverseMiddle(memory, s, y)
        let v = Self.values(6, seed: 11)
        let p = try #require(memory.middleTimes(v))
        for i in 0..<6 {
            let back = (0..<6).reduce(0.0) { $0 + inverse[i][$1] * p[$1] }
            #expect(abs(back - v[i]) < 1e-10, "row \(i): \(back) vs \(v[i])")
        }
        #expect(abs(memory.theta - Self.dot(y[2], y[2]) / Self.dot(s[2], y[2])) < 1e-12)
    }

    /// With no pairs (θ = 1, B = I) the Cauchy point is the box-clipped steepest-descent step:
    /// x = (0.5, 0.5), g = (1, −2), box [0, 1]² passes both breakpoints and ends at (0, 1); with
    /// g = (0.2, −0.4) the unconstrained minimiser x − g = (0.3, 0.9) is inside the box.
    @Test func cauchyPointWithTheIdentityModel() throws {
        let memory = LimitedMemory(n: 2, capacity: 5)
        let box = Box(lower: [0, 0], upper: [1, 1])
        let vectors = LongVectors(count: 2, threads: 1)
        var states: [VariableState] = [.free, .free]
        let far = try #require(GeneralizedCauchyPoint.find(
            x: [0.5, 0.5], g: [1, -2], wg: [], box: box, states: &states, memory: memory, vectors: vectors,
            epsilon: .ulpOfOne))
        #expect(far.point == [0, 1])
        #expect(states == [.atLower, .atUpper])
        states = [.free, .free]
        let near = try #require(GeneralizedCauchyPoint.find(
            x: [0.5, 0.5], g: [0.2, -0.4], wg: [], box: box, states: &states, memory: memory, vectors: vectors,
            epsilon: .ulpOfOne))
        #expect(abs(near.point[0] - 0.3) < 1e-15 && abs(near.point[1] - 0.9) < 1e-15, "\(near.point)")
        #expect(states == [.free, .free])
    }

    /// The subspace step equals −B̂⁻¹ r^c with B = θI − W M Wᵀ formed densely (n = 12) and the
    /// reduced system solved directly, for few active variables (WᵀZ from Wᵀg) and for many (a pass).
    @Test(arguments: [1, 4, 9]) func subspaceStepSolvesTheReducedNewtonSystem(activeCount: Int) throws {
        let n = 12
        let (memory, s, y) = Self.memory(n: n)
        let k = s.count, theta = memory.theta
        let x = Self.values(n, seed: 21).map { 0.4 * $0 }, g = Self.values(n, seed: 22)
        var point = Self.values(n, seed: 23).map { 0.4 * $0 }
        var states = [VariableState](repeating: .free, count: n)
        for a in 0..<activeCount { states[a] = .atLower; point[a] = -1 }
        let box = Box(lower: [Double](repeating: -1, count: n), upper: [Double](repeating: 1, count: n))
        let vectors = LongVectors(count: n, threads: 1)
        // Dense W (n × 2k), M, B.
        let w = (0..<n).map { i in (0..<k).map { y[$0][i] } + (0..<k).map { theta * s[$0][i] } }
        let mInverse = Self.inverseMiddle(memory, s, y)
        let m = try #require(Self.invert(mInverse))
        var b = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0..<n {
                var wmw = 0.0
                for a in 0..<(2 * k) { for c in 0..<(2 * k) { wmw += w[i][a] * m[a][c] * w[j][c] } }
                b[i][j] = (i == j ? theta : 0) - wmw
            }
        }
        let c = (0..<(2 * k)).map { a in (0..<n).reduce(0.0) { $0 + w[$1][a] * (point[$1] - x[$1]) } }
        let wg = (0..<(2 * k)).map { a in (0..<n).reduce(0.0) { $0 + w[$1][a] * g[$1] } }
        let free = (0..<n).filter { states[$0] == .free }
        // r^c = Zᵀ(g + B(x^c − x)); B̂ = ZᵀBZ; expected x^c + Z(−B̂⁻¹ r^c), inside the box here.
        let residual = free.map { i in g[i] + (0..<n).reduce(0.0) { $0 + b[i][$1] * (point[$1] - x[$1]) } }
        let reduced = free.map { i in free.map { b[i][$0] } }
        let step = try #require(Self.solve(reduced, residual.map { -$0 }))
        let z = try #require(SubspaceMinimization.step(
            x: x, g: g, wg: wg, cauchy: CauchyPoint(point: point, c: c, segments: 1), states: states, box: box,
            memory: memory, vectors: vectors))
        for (index, i) in free.enumerated() {
            let expected = min(max(point[i] + step[index], -1), 1)
            #expect(abs(z[i] - expected) < 1e-9, "variable \(i): \(z[i]) vs \(expected)")
        }
        for a in 0..<activeCount { #expect(z[a] == -1) }
    }

    /// φ(α) = (α − 3)² from α = 0.1 (φ′(0) = −6): the search extrapolates and stops at a step with
    /// both Wolfe conditions.
    @Test func lineSearchFindsAWolfeStep() {
        var search = MoreThuenteSearch(step: 0.1, value: 9, slope: -6, stepMin: 0, stepMax: 1e10)
        var outcome = MoreThuenteSearch.Outcome.evaluate
        var trials = 0
        while outcome == .evaluate && trials < 20 {
            trials += 1
            let a = search.step
            outcome = search.next(value: (a - 3) * (a - 3), slope: 2 * (a - 3))
        }
        let a = search.step
        #expect(outcome == .converged && trials > 1)
        #expect((a - 3) * (a - 3) <= 9 + 1e-3 * a * -6 && abs(2 * (a - 3)) <= 0.9 * 6, "step \(a)")
    }

    @Test func denseAlgebraKnownValues() throws {
        // [[4, 2], [2, 3]] = Rᵀ R with R = [[2, 1], [0, √2]].
        let r = try #require(DenseAlgebra.choleskyUpper([4, 2, 2, 3], size: 2))
        #expect(r[0] == 2 && r[1] == 1 && r[2] == 0 && abs(r[3] - 2.0.squareRoot()) < 1e-15)
        #expect(DenseAlgebra.choleskyUpper([1, 2, 2, 1], size: 2) == nil)
        // [[0, 1], [2, 0]] x = (3, 4): pivoting needed; x = (2, 3).
        #expect(DenseAlgebra.solve([0, 1, 2, 0], size: 2, [3, 4]) == [2, 3])
        #expect(DenseAlgebra.solve([1, 2, 2, 4], size: 2, [1, 1]) == nil)
    }

    static func invert(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var columns: [[Double]] = []
        for j in 0..<n {
            guard let column = solve(a, (0..<n).map { $0 == j ? 1 : 0 }) else { return nil }
            columns.append(column)
        }
        return (0..<n).map { i in (0..<n).map { columns[$0][i] } }
    }

    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        DenseAlgebra.solve(a.flatMap { $0 }, size: a.count, b)
    }
}
