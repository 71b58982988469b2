// DenseAlgebra: the small (≤ 2m × 2m, row-major) factorisations and triangular solves of texstim's L-BFGS-B.

enum DenseAlgebra {
    /// R upper triangular with A = Rᵀ R for a symmetric positive definite A (size × size, row-major;
    /// only its upper triangle is read); nil when a pivot is not positive.
    static func choleskyUpper(_ a: [Double], size k: Int) -> [Double]? {
        var r = [Double](repeating: 0, count: k * k)
        for i in 0..<k {
            var pivot = a[i * k + i]
            for p in 0..<i { pivot -= r[p * k + i] * r[p * k + i] }
            guard pivot > 0, pivot.isFinite else { return nil }
            let diagonal = pivot.squareRoot()
            r[i * k + i] = diagonal
            for j in (i + 1)..<max(i + 1, k) {
                var sum = a[i * k + j]
                for p in 0..<i { sum -= r[p * k + i] * r[p * k + j] }
                r[i * k + j] = sum / diagonal
            }
        }
        return r
    }

    /// Solves Rᵀ x = b in place (R upper triangular, so Rᵀ is lower): forward substitution.
    static func solveLowerTransposed(upper r: [Double], size k: Int, _ b: inout [Double]) {
        for i in 0..<k {
            var sum = b[i]
            for p in 0..<i { sum -= r[p * k + i] * b[p] }
            b[i] = sum / r[i * k + i]
        }
    }

    /// Solves R x = b in place (R upper triangular): back substitution.
    static func solveUpper(_ r: [Double], size k: Int, _ b: inout [Double]) {
        for i in stride(from: k - 1, through: 0, by: -1) {
            var sum = b[i]
            for j in (i + 1)..<max(i + 1, k) { sum -= r[i * k + j] * b[j] }
            b[i] = sum / r[i * k + i]
        }
    }

    /// x with A x = b (size × size, row-major) by Gaussian elimination with partial pivoting; nil
    /// when a pivot is exactly 0 or the solution is not finite. (No relative threshold: N's
    /// columns scale with the stored pairs, which can differ by orders of magnitude, and a
    /// threshold would call well-posed systems singular and restart the optimiser for nothing.)
    static func solve(_ a: [Double], size k: Int, _ b: [Double]) -> [Double]? {
        var a = a, x = b
        for column in 0..<k {
            var pivotRow = column
            for row in (column + 1)..<max(column + 1, k) where abs(a[row * k + column]) > abs(a[pivotRow * k + column]) {
                pivotRow = row
            }
            let pivot = a[pivotRow * k + column]
            guard pivot != 0, pivot.isFinite else { return nil }
            if pivotRow != column {
                for j in 0..<k { a.swapAt(column * k + j, pivotRow * k + j) }
                x.swapAt(column, pivotRow)
            }
            for row in (column + 1)..<max(column + 1, k) {
                let factor = a[row * k + column] / pivot
                guard factor != 0 else { continue }
                for j in column..<k { a[row * k + j] -= factor * a[column * k + j] }
                x[row] -= factor * x[column]
            }
        }
        for i in stride(from: k - 1, through: 0, by: -1) {
            var sum = x[i]
            for j in (i + 1)..<max(i + 1, k) { sum -= a[i * k + j] * x[j] }
            x[i] = sum / a[i * k + i]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }
}
