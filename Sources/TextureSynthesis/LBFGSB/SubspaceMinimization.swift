// SubspaceMinimization: the quasi-Newton step in the variables left free at the Cauchy point, projected back into the box.
//
// Byrd, Lu, Nocedal & Zhu (1995), section 5.1 (the direct primal method), with the projection
// of Morales & Nocedal (2011) that L-BFGS-B 3.0 uses. With Z the free variables at x^c, the
// model's reduced Hessian is B̂ = θI − ZᵀW M WᵀZ, its reduced gradient at x^c is
// r^c = Zᵀ(g + θ(x^c − x) − W M c), and by Sherman–Morrison–Woodbury
//     B̂⁻¹ = (1/θ) I + (1/θ²) ZᵀW N⁻¹ M WᵀZ,   N = I − (1/θ) M WᵀZZᵀW   (2k × 2k),
// so the step is d = −B̂⁻¹ r^c. WᵀZZᵀW = WᵀW − Σ_{a active} w_a w_aᵀ (the sum over the free
// variables instead when fewer are free than active), with WᵀW from the stored inner products.

enum SubspaceMinimization {
    /// The subspace minimiser from the Cauchy point, projected into the box (or, when the
    /// projection would not descend, the longest feasible step along d). `wg` is Wᵀg. nil when N
    /// is singular (the caller resets the memory).
    ///
    /// With v = −g − θ(x^c − x) on the free variables (0 elsewhere), −r^c = v + Z W M c, so
    ///     Wᵀ(−r^c) = WᵀZv + WᵀZZᵀW M c,   WᵀZv = −(Wᵀg − Σ_A w_a g_a) − θ(c − Σ_A w_a (x^c_a − x_a))
    /// (c = Wᵀ(x^c − x)), and the step is d = v/θ + W(M c/θ + u/θ²) on the free variables with
    /// u = N⁻¹ M Wᵀ(−r^c): one pass over the stored pairs when few variables are active.
    static func step(
        x: [Double], g: [Double], wg: [Double], cauchy: CauchyPoint, states: [VariableState], box: Box,
        memory: LimitedMemory, vectors: LongVectors
    ) -> [Double]? {
        let n = x.count, k = memory.count, w = 2 * k, theta = memory.theta
        let free = states.map { $0 == .free || $0 == .unbounded }
        var active: [Int] = []
        for i in 0..<n where !free[i] { active.append(i) }
        guard k > 0, active.count < n else { return cauchy.point }
        guard let mc = memory.middleTimes(cauchy.c) else { return nil }
        let point = cauchy.point
        func v(_ i: Int) -> Double { -g[i] - theta * (point[i] - x[i]) }
        var wzv: [Double]?
        if active.count <= n / 8 {
            let gActive = memory.rowsTransposed(active) { g[$0] }
            let stepActive = memory.rowsTransposed(active) { point[$0] - x[$0] }
            let fast = (0..<w).map { -(wg[$0] - gActive[$0]) - theta * (cauchy.c[$0] - stepActive[$0]) }
            let terms = [wg, gActive, cauchy.c.map { theta * $0 }, stepActive.map { theta * $0 }]
            wzv = LongVectors.cancelled(fast, terms: terms) ? nil : fast
        }
        if wzv == nil {
            let values = (0..<n).map { free[$0] ? v($0) : 0 }
            wzv = memory.wTransposed(values, vectors: vectors)
        }
        guard var wzv else { return nil }
        let gram = reducedGram(memory: memory, free: free, active: active, threads: vectors.threads)
        for a in 0..<w {
            for j in 0..<w { wzv[a] += gram[a * w + j] * mc[j] }
        }
        guard let mwr = memory.middleTimes(wzv), let u = solveN(memory: memory, gram: gram, mwr) else { return nil }
        let coefficients = (0..<w).map { mc[$0] / theta + u[$0] / (theta * theta) }
        var d = memory.wTimes(coefficients, vectors: vectors)
        for i in 0..<n { d[i] = free[i] ? v(i) / theta + d[i] : 0 }
        return project(x: x, g: g, start: point, d: d, free: free, box: box)
    }

    /// WᵀZZᵀW (2k × 2k, row-major): WᵀW less the active rows' Σ w_a w_aᵀ; the free rows' sum
    /// instead when fewer are free than active, or when the subtraction cancelled (a diagonal
    /// entry kept less than 1e-6 of WᵀW's, so its rounding error could exceed 1e-10 of it).
    static func reducedGram(memory: LimitedMemory, free: [Bool], active: [Int], threads: Int) -> [Double] {
        let w = 2 * memory.count
        func freeSum() -> [Double] { memory.rowsGram(free.indices.filter { free[$0] }, threads: threads) }
        if free.count - active.count < active.count { return freeSum() }
        let whole = memory.wGram()
        let removed = memory.rowsGram(active, threads: threads)
        let gram = (0..<(w * w)).map { whole[$0] - removed[$0] }
        let cancelled = (0..<w).contains { gram[$0 * w + $0] < 1e-6 * whole[$0 * w + $0] }
        return cancelled ? freeSum() : gram
    }

    /// u = N⁻¹ b with N = I − (1/θ) M WᵀZZᵀW.
    static func solveN(memory: LimitedMemory, gram: [Double], _ b: [Double]) -> [Double]? {
        let w = 2 * memory.count, theta = memory.theta
        var n = [Double](repeating: 0, count: w * w)
        for j in 0..<w {
            guard let column = memory.middleTimes((0..<w).map { gram[$0 * w + j] }) else { return nil }
            for i in 0..<w { n[i * w + j] = (i == j ? 1 : 0) - column[i] / theta }
        }
        return DenseAlgebra.solve(n, size: w, b)
    }

    /// x̂ = P(x^c + d) on the free variables; if that point is not a descent direction from x
    /// ((x̂ − x)ᵀ g > 0), the longest step x^c + α d (α ≤ 1) that stays in the box instead,
    /// with the variable that stops it put exactly on its bound (L-BFGS-B 3.0's `subsm`).
    static func project(x: [Double], g: [Double], start: [Double], d: [Double], free: [Bool], box: Box) -> [Double] {
        var projected = start
        var hitBound = false
        for i in x.indices where free[i] {
            let value = min(max(start[i] + d[i], box.lower[i]), box.upper[i])
            projected[i] = value
            if value == box.lower[i] || value == box.upper[i] { hitBound = true }
        }
        guard hitBound else { return projected }
        var slope = 0.0
        for i in x.indices { slope += (projected[i] - x[i]) * g[i] }
        guard slope > 0 else { return projected }
        var alpha = 1.0, stopping: Int?
        for i in x.indices where free[i] && d[i] != 0 {
            var limit = alpha
            if d[i] < 0 && box.lower[i].isFinite {
                let room = box.lower[i] - start[i]
                if room >= 0 { limit = 0 } else if d[i] * alpha < room { limit = room / d[i] }
            } else if d[i] > 0 && box.upper[i].isFinite {
                let room = box.upper[i] - start[i]
                if room <= 0 { limit = 0 } else if d[i] * alpha > room { limit = room / d[i] }
            }
            if limit < alpha {
                alpha = limit
                stopping = i
            }
        }
        var result = start
        var direction = d
        if alpha < 1, let b = stopping {
            result[b] = direction[b] > 0 ? box.upper[b] : box.lower[b]
            direction[b] = 0
        }
        for i in x.indices where free[i] { result[i] += alpha * direction[i] }
        return result
    }
}
