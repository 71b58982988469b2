// PyramidTables: the lookup tables, polar frequency grid and linear interpolation from which the steerable pyramid's Fourier masks are made.

import Foundation

/// A function sampled at increasing points xs, read by piecewise-linear interpolation with the
/// end values held outside [xs.first, xs.last] (numpy's `np.interp`, which plenoptic uses for
/// every mask). plenoptic samples its functions (256-step raised cosine, 1024-step angular
/// cosine) instead of evaluating them, so the masks are interpolated, not exact; texstim samples
/// the same points, so both get the same masks.
struct LookupTable {
    let xs: [Double]
    let ys: [Double]

    /// The value at x: ys[j] + (ys[j+1] − ys[j]) / (xs[j+1] − xs[j]) · (x − xs[j]) for
    /// xs[j] ≤ x < xs[j+1]; ys[0] below xs[0], ys.last at or above xs.last.
    func callAsFunction(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x <= xs[0] { return ys[0] }
        if x >= xs[xs.count - 1] { return ys[ys.count - 1] }
        var (low, high) = (0, xs.count - 1)  // xs[low] < x < xs[high]
        while high - low > 1 {
            let middle = (low + high) / 2
            if xs[middle] <= x { low = middle } else { high = middle }
        }
        let slope = (ys[low + 1] - ys[low]) / (xs[low + 1] - xs[low])
        return slope * (x - xs[low]) + ys[low]
    }

    /// The table with its xs moved by `offset` (x ↦ x + offset).
    func shifted(by offset: Double) -> LookupTable { LookupTable(xs: xs.map { $0 + offset }, ys: ys) }

    /// The radial transition of width 1 octave centred at log₂ r = −1/2 (plenoptic's
    /// `_raised_cosine(1, -0.5, [0, 1])`, square-rooted): t_k = π k / 512 for k = −257 … 1,
    /// x_k = −1/2 + (2 / π)(t_k + π / 4), so x runs from −1.0039 to 0.0039.
    /// `highpass` is √(cos² t_k) rising from 0 to 1, `lowpass` √(1 − highpass²) falling from 1 to 0;
    /// the first and last samples repeat their neighbours.
    static func radialTransition() -> (highpass: LookupTable, lowpass: LookupTable) {
        let size = 256
        let t = (-size - 1...1).map { Double.pi * Double($0) / Double(2 * size) }
        var y = t.map { cos($0) * cos($0) }
        y[0] = y[1]
        y[size + 2] = y[size + 1]
        let x = t.map { -0.5 + (2 * 1 / Double.pi) * ($0 + Double.pi / 4) }
        let high = y.map { $0.squareRoot() }
        return (LookupTable(xs: x, ys: high), LookupTable(xs: x, ys: high.map { (1 - $0 * $0).squareRoot() }))
    }

    /// The angular profile of one orientation band of a complex pyramid of order o = K − 1:
    /// a_k = π k / 1024 for k = −2049 … 1025, y_k = 2 √c cos(a_k)^o where |wrap(a_k)| < π / 2
    /// (else 0) for analysis, √c cos(a_k)^o for synthesis, with c = 2^{2o} (o!)² / (K (2o)!).
    static func angularProfile(orientations: Int, analysis: Bool) -> LookupTable {
        let order = orientations - 1, lutSize = 1024
        let c = pow(2, Double(2 * order)) * pow(factorial(order), 2) / (Double(orientations) * factorial(2 * order))
        let a = (-(2 * lutSize + 1)...(lutSize + 1)).map { Double.pi * Double($0) / Double(lutSize) }
        let y = a.map { angle -> Double in
            let profile = pow(cos(angle), Double(order))
            guard analysis else { return c.squareRoot() * profile }
            let wrapped = (angle + Double.pi).truncatingRemainder(dividingBy: 2 * Double.pi)
            let alpha = (wrapped < 0 ? wrapped + 2 * Double.pi : wrapped) - Double.pi
            return abs(alpha) < Double.pi / 2 ? 2 * c.squareRoot() * profile : 0
        }
        return LookupTable(xs: a, ys: y)
    }

    private static func factorial(_ n: Int) -> Double { (0..<n).reduce(1.0) { $0 * Double($1 + 1) } }
}

/// The polar coordinates of an (H, W) centred frequency grid, in plenoptic's convention:
/// x_j = −1 + 2 j / W, y_i = −1 + 2 i / H (so frequency 0 is at (H/2, W/2) for even sides),
/// angle θ = atan2(y, x), and log₂ r with r = √(x² + y²) — except at the centre, where r is
/// taken from its left neighbour (r = 2 / W) so that log₂ stays finite.
struct PolarGrid {
    let height: Int
    let width: Int
    /// (H, W) row-major.
    let angle: [Double]
    /// (H, W) row-major.
    let logRadius: [Double]

    init(height: Int, width: Int) {
        self.height = height
        self.width = width
        let xs = (0..<width).map { Double($0) * (2 / Double(width)) + -1 }
        let ys = (0..<height).map { Double($0) * (2 / Double(height)) + -1 }
        var angle = [Double](repeating: 0, count: height * width), radius = angle
        for i in 0..<height {
            for j in 0..<width {
                angle[i * width + j] = atan2(ys[i], xs[j])
                radius[i * width + j] = (xs[j] * xs[j] + ys[i] * ys[i]).squareRoot()
            }
        }
        let (centreRow, centreColumn) = (height / 2, width / 2)  // plenoptic's ⌈(n + 0.5) / 2⌉ − 1
        radius[centreRow * width + centreColumn] = radius[centreRow * width + centreColumn - 1]
        self.angle = angle
        self.logRadius = radius.map { log2($0) }
    }

    private init(height: Int, width: Int, angle: [Double], logRadius: [Double]) {
        (self.height, self.width, self.angle, self.logRadius) = (height, width, angle, logRadius)
    }

    /// Rows `rows` and columns `columns` of the grid.
    func cropped(rows: Range<Int>, columns: Range<Int>) -> PolarGrid {
        let pick = { (values: [Double]) in rows.flatMap { y in columns.map { values[y * self.width + $0] } } }
        return PolarGrid(height: rows.count, width: columns.count, angle: pick(angle), logRadius: pick(logRadius))
    }
}
