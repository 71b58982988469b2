// LimitedMemory: L-BFGS-B's compact quasi-Newton matrix B = θI − W M Wᵀ over the last m correction pairs.
//
// Byrd, Lu, Nocedal & Zhu (1995), section 3: with S = [s_0 … s_{k−1}] and Y = [y_0 … y_{k−1}]
// (oldest first, k ≤ m), W = [Y θS] (n × 2k) and
//     M⁻¹ = [ −D   Lᵀ  ]      D = diag(s_iᵀ y_i),  L_ij = s_iᵀ y_j for i > j (else 0).
//           [  L  θSᵀS ]
// M is applied through the factorisation M⁻¹ = [D^½ 0; −L D^-½ J] [−D^½ D^-½Lᵀ; 0 Jᵀ] with
// J Jᵀ = T = θ SᵀS + L D⁻¹ Lᵀ (Cholesky T = Rᵀ R, J = Rᵀ), as Nocedal's `bmv` and `formt` do.

import TextureCore

/// The stored pairs and the small matrices built from them. Pair i (0 = oldest) lives in ring
/// slot `slots[i]`; each slot holds s and y as n contiguous doubles (2·m·n doubles in all, the
/// bulk of the optimiser's memory: 63 MB for a 256² colour stimulus with m = 20).
final class LimitedMemory {
    let n: Int
    let capacity: Int
    private let s: UnsafeMutablePointer<Double>
    private let y: UnsafeMutablePointer<Double>
    private(set) var slots: [Int] = []
    private(set) var theta = 1.0
    /// k × k, row-major: sy[i·k + j] = s_iᵀ y_j, ss[i·k + j] = s_iᵀ s_j, yy[i·k + j] = y_iᵀ y_j.
    private(set) var sy: [Double] = []
    private(set) var ss: [Double] = []
    private(set) var yy: [Double] = []
    /// R, upper triangular (row-major, k × k), with T = Rᵀ R.
    private var cholesky: [Double] = []

    init(n: Int, capacity: Int) {
        self.n = n
        self.capacity = capacity
        s = .allocate(capacity: n * capacity)
        s.initialize(repeating: 0, count: n * capacity)
        y = .allocate(capacity: n * capacity)
        y.initialize(repeating: 0, count: n * capacity)
    }

    deinit {
        s.deallocate()
        y.deallocate()
    }

    /// k, the pairs held.
    var count: Int { slots.count }

    /// Forgets every pair (θ = 1), as L-BFGS-B does when a matrix turns singular.
    func reset() {
        slots = []
        theta = 1
        sy = []; ss = []; yy = []; cholesky = []
    }

    func sColumn(_ i: Int) -> UnsafePointer<Double> { UnsafePointer(s + slots[i] * n) }
    func yColumn(_ i: Int) -> UnsafePointer<Double> { UnsafePointer(y + slots[i] * n) }

    /// Adds the pair (s, y) (dropping the oldest when full), with s_newᵀ y_new = `curvature` and
    /// θ = yᵀy / sᵀy, and returns Wᵀg of the grown matrix for the gradient `g` (computed in the
    /// same pass over the pairs). nil when T is not positive definite (the caller resets).
    func append(
        s newS: [Double], y newY: [Double], curvature: Double, gradient g: [Double], vectors: LongVectors
    ) -> [Double]? {
        let slot: Int
        if slots.count == capacity {
            slot = slots.removeFirst()
            drop(first: 1)
        } else {
            slot = slots.count
        }
        (s + slot * n).update(from: newS, count: n)
        (y + slot * n).update(from: newY, count: n)
        slots.append(slot)
        let k = slots.count
        let columns = (0..<k).map(sColumn) + (0..<k).map(yColumn)
        // One pass over the stored pairs for the new pair and the gradient.
        let all = g.withUnsafeBufferPointer { vectors.dots(columns, with: [sColumn(k - 1), yColumn(k - 1), $0.baseAddress!]) }
        let withS = all[0], withY = all[1], withG = all[2]
        grow(to: k)
        for j in 0..<k {
            ss[(k - 1) * k + j] = withS[j]; ss[j * k + k - 1] = withS[j]
            yy[(k - 1) * k + j] = withY[k + j]; yy[j * k + k - 1] = withY[k + j]
            sy[(k - 1) * k + j] = withS[k + j]  // s_newᵀ y_j
            sy[j * k + k - 1] = withY[j]  // s_jᵀ y_new
        }
        sy[(k - 1) * k + k - 1] = curvature
        theta = withY[2 * k - 1] / curvature
        guard factorT() else { return nil }
        return Array(withG[k...]) + withG[..<k].map { theta * $0 }
    }

    /// Removes the first `count` rows and columns of the k × k matrices.
    private func drop(first count: Int) {
        let k = sy.isEmpty ? 0 : Int(Double(sy.count).squareRoot())
        let kept = k - count
        func shrink(_ a: [Double]) -> [Double] {
            var b = [Double](repeating: 0, count: kept * kept)
            for i in 0..<kept { for j in 0..<kept { b[i * kept + j] = a[(i + count) * k + j + count] } }
            return b
        }
        sy = shrink(sy); ss = shrink(ss); yy = shrink(yy)
    }

    /// Grows the k−1 × k−1 matrices to k × k (the new row and column zero).
    private func grow(to k: Int) {
        func widen(_ a: [Double]) -> [Double] {
            var b = [Double](repeating: 0, count: k * k)
            for i in 0..<(k - 1) { for j in 0..<(k - 1) { b[i * k + j] = a[i * (k - 1) + j] } }
            return b
        }
        sy = widen(sy); ss = widen(ss); yy = widen(yy)
    }

    /// T = θ SᵀS + L D⁻¹ Lᵀ and its Cholesky factor R (T = RᵀR); false if T is not positive definite.
    private func factorT() -> Bool {
        let k = count
        var t = [Double](repeating: 0, count: k * k)
        for i in 0..<k {
            for j in i..<k {
                var sum = theta * ss[i * k + j]
                for p in 0..<min(i, j) { sum += sy[i * k + p] * sy[j * k + p] / sy[p * k + p] }
                t[i * k + j] = sum
            }
        }
        guard let r = DenseAlgebra.choleskyUpper(t, size: k) else { return false }
        cholesky = r
        return true
    }
}

extension LimitedMemory {
    /// p = M v for v of length 2k (`bmv`); nil when D has a non-positive entry.
    func middleTimes(_ v: [Double]) -> [Double]? {
        let k = count
        guard k > 0 else { return [] }
        var p = [Double](repeating: 0, count: 2 * k)
        // Solve [D^½ 0; −L D^-½ J] q = v: q1 = D^-½ v1, J q2 = v2 + L D⁻¹ v1.
        for i in 0..<k {
            var sum = 0.0
            for j in 0..<i { sum += sy[i * k + j] * v[j] / sy[j * k + j] }
            p[k + i] = v[k + i] + sum
        }
        var q2 = Array(p[k...])
        DenseAlgebra.solveLowerTransposed(upper: cholesky, size: k, &q2)
        for i in 0..<k {
            let d = sy[i * k + i]
            guard d > 0 else { return nil }
            p[i] = v[i] / d.squareRoot()
        }
        // Solve [−D^½ D^-½Lᵀ; 0 Jᵀ] p = q: R p2 = q2, p1 = −D^-½ q1 + D⁻¹ Lᵀ p2.
        DenseAlgebra.solveUpper(cholesky, size: k, &q2)
        for i in 0..<k { p[i] = -p[i] / sy[i * k + i].squareRoot() }
        for i in 0..<k {
            var sum = 0.0
            for j in (i + 1)..<max(i + 1, k) { sum += sy[j * k + i] * q2[j] / sy[i * k + i] }
            p[i] += sum
        }
        for i in 0..<k { p[k + i] = q2[i] }
        return p
    }

    /// Wᵀ v = (Yᵀ v, θ Sᵀ v) for an n-vector v.
    func wTransposed(_ v: [Double], vectors: LongVectors) -> [Double] {
        let k = count
        guard k > 0 else { return [] }
        var p = v.withUnsafeBufferPointer {
            vectors.dots((0..<k).map(yColumn) + (0..<k).map(sColumn), with: $0.baseAddress!)
        }
        for i in k..<(2 * k) { p[i] *= theta }
        return p
    }

    /// Row i of W: (y_0[i] … y_{k−1}[i], θ s_0[i] … θ s_{k−1}[i]).
    func row(_ i: Int) -> [Double] {
        var row = [Double](repeating: 0, count: 2 * count)
        self.row(i, into: &row)
        return row
    }

    /// Writes row i of W into the first 2k elements of `row`.
    func row(_ i: Int, into row: inout [Double]) {
        let k = count
        for j in 0..<k {
            row[j] = y[slots[j] * n + i]
            row[k + j] = theta * s[slots[j] * n + i]
        }
    }

    /// Σ_{i ∈ indices} w_i w_iᵀ (2k × 2k, row-major, full): the rows gathered 256 at a time into
    /// columns, their products summed per block with LongVectors' fixed-order dot, the blocks
    /// (threads take whole blocks) added in order, so the bits do not depend on the threads.
    func rowsGram(_ indices: [Int], threads: Int) -> [Double] {
        let w = 2 * count, blockRows = 256
        let blocks = (indices.count + blockRows - 1) / blockRows
        var partial = [Double](repeating: 0, count: blocks * w * w)
        partial.withUnsafeMutableBufferPointer { buffer in
            let out = SharedPointer(buffer.baseAddress!)
            parallelChunks(count: blocks, threads: threads) { range in
                var gathered = [Double](repeating: 0, count: w * blockRows)
                for b in range {
                    let rows = indices[(b * blockRows)..<min(indices.count, (b + 1) * blockRows)]
                    for (r, i) in rows.enumerated() {
                        for j in 0..<count {
                            gathered[j * blockRows + r] = y[slots[j] * n + i]
                            gathered[(count + j) * blockRows + r] = theta * s[slots[j] * n + i]
                        }
                    }
                    gathered.withUnsafeBufferPointer { columns in
                        let base = columns.baseAddress!
                        for a in 0..<w {
                            for c in a..<w {
                                out.base[b * w * w + a * w + c] = LongVectors.dot(
                                    base + a * blockRows, base + c * blockRows, rows.count)
                            }
                        }
                    }
                }
            }
        }
        var gram = [Double](repeating: 0, count: w * w)
        for b in 0..<blocks {
            for a in 0..<w { for c in a..<w { gram[a * w + c] += partial[b * w * w + a * w + c] } }
        }
        for a in 0..<w { for c in 0..<a { gram[a * w + c] = gram[c * w + a] } }
        return gram
    }

    /// Σ_{i ∈ indices} w_i · values[i] (2k long), the rows of W gathered one by one.
    func rowsTransposed(_ indices: [Int], values: (Int) -> Double) -> [Double] {
        let w = 2 * count
        var sum = [Double](repeating: 0, count: w), row = sum
        for i in indices {
            let value = values(i)
            guard value != 0 else { continue }
            self.row(i, into: &row)
            for j in 0..<w { sum[j] += row[j] * value }
        }
        return sum
    }

    /// W u (an n-vector; u of length 2k), summed over W's columns in order per element.
    func wTimes(_ u: [Double], vectors: LongVectors) -> [Double] {
        let k = count
        var coefficients = u
        for i in k..<(2 * k) { coefficients[i] *= theta }
        return vectors.combine((0..<k).map(yColumn) + (0..<k).map(sColumn), coefficients)
    }

    /// WᵀW (2k × 2k, row-major) from YᵀY, SᵀY and SᵀS: [YᵀY θYᵀS; θSᵀY θ²SᵀS].
    func wGram() -> [Double] {
        let k = count, w = 2 * k
        var g = [Double](repeating: 0, count: w * w)
        for i in 0..<k {
            for j in 0..<k {
                g[i * w + j] = yy[i * k + j]
                g[i * w + k + j] = theta * sy[j * k + i]  // y_iᵀ s_j = s_jᵀ y_i
                g[(k + i) * w + j] = theta * sy[i * k + j]
                g[(k + i) * w + k + j] = theta * theta * ss[i * k + j]
            }
        }
        return g
    }
}
