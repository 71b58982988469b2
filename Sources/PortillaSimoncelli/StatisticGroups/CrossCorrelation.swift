// CrossCorrelation: normalised inner products between two sets of same-sized planes.

enum CrossCorrelation {
    /// C(i, j) = (Σ a_i b_j / N) / √(v_i w_j) for planes a_i, b_j of N pixels, where v_i and w_j
    /// are given variances or, when nil, the mean squares Σ a_i² / N, Σ b_j² / N (plenoptic's
    /// `_compute_cross_correlation`; no mean is removed here: callers pass centred planes where
    /// they want covariances). Returns (count(a), count(b)) row-major.
    static func correlations(_ a: [RealPlane], _ b: [RealPlane], varianceA: [Double]? = nil, varianceB: [Double]? = nil) -> [Double] {
        let n = Double(a[0].count)
        let va = varianceA ?? a.map { meanSquare($0) }
        let vb = varianceB ?? b.map { meanSquare($0) }
        var out: [Double] = []
        out.reserveCapacity(a.count * b.count)
        for (i, x) in a.enumerated() {
            for (j, y) in b.enumerated() {
                precondition(x.count == y.count)
                var sum = 0.0
                for p in 0..<x.count { sum += x.values[p] * y.values[p] }
                out.append(sum / n / (va[i] * vb[j]).squareRoot())
            }
        }
        return out
    }

    /// Σ x² / N.
    static func meanSquare(_ x: RealPlane) -> Double { x.values.reduce(0) { $0 + $1 * $1 } / Double(x.count) }
}
