// CrossCorrelation: normalised inner products between two sets of same-sized planes.

enum CrossCorrelation {
    /// C(i, j) = (Σ a_i b_j / N) / √(v_i w_j) for planes a_i, b_j of N pixels, where v_i and w_j
    /// are given variances or, when nil, the mean squares Σ a_i² / N, Σ b_j² / N (plenoptic's
    /// `_compute_cross_correlation`; no mean is removed here: callers pass centred planes where
    /// they want covariances). Returns (count(a), count(b)) row-major.
    static func correlations(
        _ a: [RealPlane], _ b: [RealPlane], varianceA: [Double]? = nil, varianceB: [Double]? = nil
    ) -> [Double] {
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

    /// Backward of `correlations`: from G(i, j), the gradients of the planes a_i, b_j and, when
    /// the variances were given, of those variances (for the caller to route to where they came
    /// from); when a variance was computed here (nil), its gradient is folded into its plane
    /// (∂(Σ x² / N)/∂x = 2 x / N). With C = S / √(v w), S = Σ a b / N:
    /// ∂C/∂a = b / (N √(v w)), ∂C/∂v = −C / (2 v).
    static func correlationsBackward(
        _ dC: [Double], _ a: [RealPlane], _ b: [RealPlane], varianceA: [Double]? = nil, varianceB: [Double]? = nil
    )
        -> (dA: [RealPlane], dB: [RealPlane], dVarianceA: [Double], dVarianceB: [Double])
    {
        let n = Double(a[0].count)
        let va = varianceA ?? a.map { meanSquare($0) }
        let vb = varianceB ?? b.map { meanSquare($0) }
        var dA = a.map { RealPlane(zeros: $0.height, $0.width) }, dB = b.map { RealPlane(zeros: $0.height, $0.width) }
        var dVa = [Double](repeating: 0, count: a.count), dVb = [Double](repeating: 0, count: b.count)
        for (i, x) in a.enumerated() {
            for (j, y) in b.enumerated() {
                let g = dC[i * b.count + j]
                guard g != 0 else { continue }
                let norm = 1 / (va[i] * vb[j]).squareRoot()
                var sum = 0.0
                for p in 0..<x.count {
                    sum += x.values[p] * y.values[p]
                    dA[i].values[p] += g * y.values[p] / n * norm
                    dB[j].values[p] += g * x.values[p] / n * norm
                }
                let c = sum / n * norm
                dVa[i] -= g * c / (2 * va[i])
                dVb[j] -= g * c / (2 * vb[j])
            }
        }
        if varianceA == nil {
            for i in a.indices { dA[i] = dA[i] + a[i].scaled(by: 2 * dVa[i] / n) }
            dVa = dVa.map { _ in 0 }
        }
        if varianceB == nil {
            for j in b.indices { dB[j] = dB[j] + b[j].scaled(by: 2 * dVb[j] / n) }
            dVb = dVb.map { _ in 0 }
        }
        return (dA, dB, dVa, dVb)
    }
}
