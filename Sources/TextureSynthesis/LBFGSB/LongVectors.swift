// LongVectors: dot products and sums over the optimiser's n-long vectors, in a fixed order (bits independent of threads).

import CWinograd
import TextureCore

/// Reductions and combinations of n-long double vectors for texstim's L-BFGS-B.
///
/// Every sum runs over fixed blocks of `blockLength` elements, each block in 8 lanes of 4
/// accumulators (element i goes to accumulator (i mod 32)), the lanes added in a fixed order, then
/// the blocks added in order. The order depends only on n, so the result is the same for any
/// thread count (threads take whole blocks).
struct LongVectors {
    static let blockLength = 16_384
    let count: Int
    let threads: Int

    var blocks: Int { (count + Self.blockLength - 1) / Self.blockLength }

    func block(_ index: Int) -> Range<Int> {
        (index * Self.blockLength)..<min(count, (index + 1) * Self.blockLength)
    }

    /// The dot products of each of `vectors` with each of `columns` (pointers to n doubles):
    /// result[v][j] = Σ_i columns[j][i] · vectors[v][i]. Each block of a column is read from memory
    /// once for all the vectors.
    func dots(_ columns: [UnsafePointer<Double>], with vectors: [UnsafePointer<Double>]) -> [[Double]] {
        let width = columns.count, depth = vectors.count
        guard width > 0, depth > 0 else { return [[Double]](repeating: [], count: depth) }
        var partial = [Double](repeating: 0, count: blocks * width * depth)
        partial.withUnsafeMutableBufferPointer { partialBuffer in
            let out = SharedPointer(partialBuffer.baseAddress!)
            let sources = columns.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) }
            let others = vectors.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) }
            parallelChunks(count: blocks, threads: threads) { range in
                for b in range {
                    let span = block(b)
                    for j in 0..<width {
                        for v in 0..<depth {
                            out.base[(b * width + j) * depth + v] = Self.dot(
                                sources[j].base + span.lowerBound, others[v].base + span.lowerBound, span.count)
                        }
                    }
                }
            }
        }
        var result = [[Double]](repeating: [Double](repeating: 0, count: width), count: depth)
        for b in 0..<blocks {
            for j in 0..<width {
                for v in 0..<depth { result[v][j] += partial[(b * width + j) * depth + v] }
            }
        }
        return result
    }

    /// result[j] = Σ_i columns[j][i] · v[i].
    func dots(_ columns: [UnsafePointer<Double>], with v: UnsafePointer<Double>) -> [Double] {
        dots(columns, with: [v])[0]
    }

    /// Σ_i a[i] · b[i] over whole vectors (both n long).
    func dot(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in dots([a.baseAddress!], with: [b.baseAddress!])[0][0] }
        }
    }

    /// out[i] = Σ_j coefficients[j] · columns[j][i], j ascending per element (n long).
    func combine(_ columns: [UnsafePointer<Double>], _ coefficients: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { buffer in
            let target = SharedPointer(buffer.baseAddress!)
            let sources = columns.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) }
            parallelChunks(count: blocks, threads: threads) { range in
                for b in range {
                    for (j, column) in sources.enumerated() where coefficients[j] != 0 {
                        let c = coefficients[j], x = column.base, y = target.base
                        for i in block(b) { y[i] += c * x[i] }
                    }
                }
            }
        }
        return out
    }

    /// Whether `result`, a sum of `terms` (each as long as it), lost too much to cancellation: its
    /// largest element is below 1e-6 of the terms' largest, so its rounding error may exceed
    /// 1e-10 of it. The caller then computes it directly.
    static func cancelled(_ result: [Double], terms: [[Double]]) -> Bool {
        let size = result.reduce(0.0) { max($0, abs($1)) }
        let scale = terms.reduce(0.0) { largest, term in term.reduce(largest) { max($0, abs($1)) } }
        return !(size >= 1e-6 * scale)
    }

    /// Σ a[i] b[i] for i < count in 32 accumulators (element i into accumulator i mod 32), added
    /// pairwise in a fixed order (texstim_dot, in C: unoptimised Swift SIMD made debug builds,
    /// and so the tests, several times slower).
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
        texstim_dot(a, b, count)
    }
}
