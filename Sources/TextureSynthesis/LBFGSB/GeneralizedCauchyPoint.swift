// GeneralizedCauchyPoint: the first local minimiser of the quadratic model along the projected steepest-descent path.
//
// Byrd, Lu, Nocedal & Zhu (1995), section 4 (Nocedal's `cauchy`): the path x(t) = P(x − t g)
// bends at the breakpoints t_i where variable i reaches its bound. On each segment the model
// m(t) = f + gᵀz + ½ zᵀBz (z = x(t) − x) is a parabola with slope f′ and curvature f″, which are
// updated at each breakpoint with one row of W and one product with M (`LimitedMemory`).

/// Where each variable stands (Nocedal's `iwhere`): at the Cauchy point, variables at a bound
/// are held there by the subspace step.
enum VariableState: Int8 {
    /// Between its bounds, or with a zero gradient component.
    case free = 0
    case atLower = 1
    case atUpper = 2
    /// l = u: never moves.
    case fixed = 3
    /// No bounds: always free.
    case unbounded = -1
}

/// The box: per variable its bounds (±infinity where open).
struct Box {
    let lower: [Double]
    let upper: [Double]

    /// Whether any variable has a bound (Nocedal's `cnstnd`), and whether all have both (`boxed`).
    var constrained: Bool { lower.contains { $0.isFinite } || upper.contains { $0.isFinite } }
    var boxed: Bool { lower.allSatisfy(\.isFinite) && upper.allSatisfy(\.isFinite) }

    /// The largest component of the projected gradient, ‖P(x − g) − x‖∞ (Nocedal's `projgr`).
    func projectedGradientNorm(x: [Double], g: [Double]) -> Double {
        var norm = 0.0
        for i in x.indices {
            var gi = g[i]
            if gi < 0 {
                if upper[i].isFinite { gi = max(x[i] - upper[i], gi) }
            } else {
                if lower[i].isFinite { gi = min(x[i] - lower[i], gi) }
            }
            norm = max(norm, abs(gi))
        }
        return norm
    }
}

struct CauchyPoint {
    /// The generalised Cauchy point x^c.
    var point: [Double]
    /// c = Wᵀ(x^c − x), 2k long.
    var c: [Double]
    /// Segments of the path examined.
    var segments: Int
}

enum GeneralizedCauchyPoint {
    /// The projected steepest-descent path from x: its direction d (−g where a variable can move,
    /// else 0), the breakpoints, f′ at t = 0 (−dᵀd), whether every moving variable has a bound
    /// ahead (`bounded`), how many do not, and the variables held at a bound with g ≠ 0.
    struct Path {
        var d: [Double]
        var breakpoints: [(t: Double, index: Int)] = []
        var f1 = 0.0
        var unboundedCount = 0
        var bounded = true
        var held: [Int] = []
    }

    /// The Cauchy point from x with gradient g and `wg` = Wᵀg; updates `states` for the variables
    /// that reach a bound on the way. nil when M cannot be applied (the caller resets the memory).
    static func find(
        x: [Double], g: [Double], wg: [Double], box: Box, states: inout [VariableState], memory: LimitedMemory,
        vectors: LongVectors, epsilon: Double
    ) -> CauchyPoint? {
        let n = x.count, k = memory.count
        var path = self.path(x: x, g: g, box: box, states: &states)
        if path.breakpoints.isEmpty && path.unboundedCount == 0 {
            return CauchyPoint(point: x, c: [Double](repeating: 0, count: 2 * k), segments: 0)
        }
        // p = Wᵀd. With few variables held, from Wᵀg: Wᵀd = −Wᵀg + Σ_held w_i g_i, which saves a
        // pass over the 2·k·n stored values; else directly.
        var p: [Double] = []
        var direct = k > 0
        if k > 0 && path.held.count <= n / 8 {
            let correction = memory.rowsTransposed(path.held) { g[$0] }
            p = (0..<(2 * k)).map { -wg[$0] + correction[$0] }
            direct = LongVectors.cancelled(p, terms: [wg, correction])
        }
        if direct { p = memory.wTransposed(path.d, vectors: vectors) }
        return walk(x: x, path: &path, p: p, box: box, states: &states, memory: memory, epsilon: epsilon)
    }

    /// Sets each variable's state at x (3.0's `iwhere` reset) and collects the path.
    static func path(x: [Double], g: [Double], box: Box, states: inout [VariableState]) -> Path {
        var path = Path(d: [Double](repeating: 0, count: x.count))
        for i in x.indices {
            let negative = -g[i]
            if states[i] != .fixed && states[i] != .unbounded {
                let atLower = box.lower[i].isFinite && x[i] - box.lower[i] <= 0
                let atUpper = box.upper[i].isFinite && box.upper[i] - x[i] <= 0
                states[i] = .free
                if atLower {
                    if negative <= 0 { states[i] = .atLower }
                } else if atUpper {
                    if negative >= 0 { states[i] = .atUpper }
                }
            }
            guard states[i] == .free || states[i] == .unbounded, negative != 0 else {
                if negative != 0 { path.held.append(i) }
                continue
            }
            path.d[i] = negative
            path.f1 -= negative * negative
            if box.lower[i].isFinite && negative < 0 {
                path.breakpoints.append(((x[i] - box.lower[i]) / -negative, i))
            } else if box.upper[i].isFinite && negative > 0 {
                path.breakpoints.append(((box.upper[i] - x[i]) / negative, i))
            } else {
                path.unboundedCount += 1
                path.bounded = false
            }
        }
        return path
    }

    /// Walks the path segment by segment (f′ = f1, f″ = f2) until the model's minimiser lies
    /// inside a segment, fixing each variable whose breakpoint is passed.
    static func walk(
        x: [Double], path: inout Path, p pStart: [Double], box: Box, states: inout [VariableState],
        memory: LimitedMemory, epsilon: Double
    ) -> CauchyPoint? {
        let n = x.count, k = memory.count, theta = memory.theta
        var point = x, p = pStart
        var c = [Double](repeating: 0, count: 2 * k)
        var f1 = path.f1, f2 = -theta * path.f1
        let f2Original = f2
        if k > 0 {
            guard let v = memory.middleTimes(p) else { return nil }
            f2 -= zip(v, p).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var dtm = -f1 / f2, tsum = 0.0, segments = 1
        var heap = BreakpointHeap(firstOf: path.breakpoints)
        var tj = 0.0
        var allFixed = false
        while let next = heap.popMinimum() {
            let tj0 = tj
            tj = next.t
            let dt = tj - tj0
            if dtm < dt { break }
            tsum += dt
            let b = next.index, db = path.d[b]
            path.d[b] = 0
            let zb: Double
            if db > 0 {
                zb = box.upper[b] - x[b]; point[b] = box.upper[b]; states[b] = .atUpper
            } else {
                zb = box.lower[b] - x[b]; point[b] = box.lower[b]; states[b] = .atLower
            }
            if heap.isEmpty && path.breakpoints.count == n {
                dtm = dt
                allFixed = true
                break
            }
            segments += 1
            guard cross(b, db: db, dt: dt, zb: zb, memory: memory, c: &c, p: &p, f1: &f1, f2: &f2) else { return nil }
            f2 = max(epsilon * f2Original, f2)
            if !heap.isEmpty || !path.bounded {
                dtm = -f1 / f2
            } else {
                f1 = 0; f2 = 0; dtm = 0
            }
        }
        if !allFixed {
            if dtm <= 0 { dtm = 0 }
            tsum += dtm
            for i in 0..<n where path.d[i] != 0 { point[i] = x[i] + tsum * path.d[i] }
        }
        if k > 0 { for j in 0..<(2 * k) { c[j] += dtm * p[j] } }
        return CauchyPoint(point: point, c: c, segments: segments)
    }

    /// Past the breakpoint of variable b (its step db, now fixed at zb from x): f′ (f1) and f″
    /// (f2) of the next segment, with c moved on by dt·p and b's row w_b taken out of p. false
    /// when M cannot be applied.
    // swiftlint:disable:next function_parameter_count
    static func cross(
        _ b: Int, db: Double, dt: Double, zb: Double, memory: LimitedMemory, c: inout [Double], p: inout [Double],
        f1: inout Double, f2: inout Double
    ) -> Bool {
        let k = memory.count, theta = memory.theta, db2 = db * db
        f1 += dt * f2 + db2 - theta * db * zb
        f2 -= theta * db2
        guard k > 0 else { return true }
        for j in 0..<(2 * k) { c[j] += dt * p[j] }
        let wb = memory.row(b)
        guard let v = memory.middleTimes(wb) else { return false }
        var wmc = 0.0, wmp = 0.0, wmw = 0.0
        for j in 0..<(2 * k) { wmc += c[j] * v[j]; wmp += p[j] * v[j]; wmw += wb[j] * v[j] }
        for j in 0..<(2 * k) { p[j] -= db * wb[j] }
        f1 += db * wmc
        f2 += 2 * db * wmp - db2 * wmw
        return true
    }
}

/// The breakpoints (t, variable) in increasing order (ties by the variable's index, so the order
/// is fully determined): the smallest by a scan, the rest from a binary min-heap built only when
/// the path goes past the first breakpoint (often it does not; 3.0's `cauchy` does the same).
struct BreakpointHeap {
    private var items: [(t: Double, index: Int)]
    private var first: Int?
    private var heapBuilt = false

    init(firstOf items: [(t: Double, index: Int)]) {
        self.items = items
        var smallest: Int?
        for i in items.indices where smallest == nil || Self.precedes(items[i], items[smallest!]) { smallest = i }
        first = smallest
    }

    var isEmpty: Bool { first == nil && items.isEmpty }

    private static func precedes(_ a: (t: Double, index: Int), _ b: (t: Double, index: Int)) -> Bool {
        a.t < b.t || (a.t == b.t && a.index < b.index)
    }

    private func less(_ a: Int, _ b: Int) -> Bool { Self.precedes(items[a], items[b]) }

    mutating func popMinimum() -> (t: Double, index: Int)? {
        if let index = first {
            first = nil
            items.swapAt(index, items.count - 1)
            return items.removeLast()
        }
        if !heapBuilt {
            heapBuilt = true
            for i in stride(from: items.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
        }
        return popHeap()
    }

    private mutating func popHeap() -> (t: Double, index: Int)? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            siftDown(0)
        }
        return first
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let left = 2 * i + 1, right = left + 1
            var smallest = i
            if left < items.count && less(left, smallest) { smallest = left }
            if right < items.count && less(right, smallest) { smallest = right }
            if smallest == i { return }
            items.swapAt(i, smallest)
            i = smallest
        }
    }
}
