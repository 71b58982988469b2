// PatchCorrelation: normalised cross-correlation to catch copied source patches and duplicates.
//
// Patches are P×P luma windows (P = 32: smaller windows match by chance in regular textures
// such as brick walls), mean removed and scaled to unit norm, so the dot product of two
// patches is their correlation coefficient. Stimulus patches are taken every P/2 pixels, source
// patches at every position, and all pairs are scored with one sgemm per block of source rows.
// A copied region of at least 3P/2 − 1 = 47 px per side always contains a whole stimulus patch.

import TextureCore

public enum PatchCorrelation {
    public static let patchSide = 32

    /// Max correlation between any stimulus patch (stride P/2) and any source patch (stride 1).
    /// Flat patches (SD below 1/255) are skipped: they match anything flat. With `stimulusMask`
    /// (H·W, row-major) only stimulus patches wholly inside it count (an aperture's plateau).
    public static func maxCopyCorrelation(stimulus: [Double], height: Int, width: Int,
                                          source: [Double], sourceHeight: Int, sourceWidth: Int,
                                          stimulusMask: [Bool]? = nil) -> Double {
        let p = patchSide
        guard height >= p, width >= p, sourceHeight >= p, sourceWidth >= p else { return 0 }
        let stimulusPatches = patches(stimulus, height: height, width: width, stride: p / 2, mask: stimulusMask)
        guard !stimulusPatches.isEmpty else { return 0 }
        var best = 0.0
        let rows = sourceHeight - p + 1
        let rowsPerBlock = 16
        for y0 in stride(from: 0, to: rows, by: rowsPerBlock) {
            let sourcePatches = patches(source, height: sourceHeight, width: sourceWidth, stride: 1,
                                        rows: y0..<min(rows, y0 + rowsPerBlock))
            guard !sourcePatches.isEmpty else { continue }
            let (a, b) = (stimulusPatches.flatMap { $0 }, sourcePatches.flatMap { $0 })
            var scores = [Float](repeating: 0, count: stimulusPatches.count * sourcePatches.count)
            BLAS.sgemm(transposeB: true, m: stimulusPatches.count, n: sourcePatches.count, k: p * p,
                       a: a, lda: p * p, b: b, ldb: p * p, c: &scores, ldc: sourcePatches.count)
            best = max(best, Double(scores.max() ?? 0))
        }
        return min(best, 1)
    }

    /// Unit-norm, zero-mean patches on a grid (rows restricts the top-left y; a patch with a
    /// position outside `mask` is left out).
    static func patches(_ plane: [Double], height: Int, width: Int, stride: Int, rows: Range<Int>? = nil,
                        mask: [Bool]? = nil) -> [[Float]] {
        let p = patchSide
        var result: [[Float]] = []
        for y in Swift.stride(from: rows?.lowerBound ?? 0, to: rows?.upperBound ?? (height - p + 1), by: stride) {
            for x in Swift.stride(from: 0, through: width - p, by: stride) {
                if let mask, !(0..<p).allSatisfy({ dy in (0..<p).allSatisfy { mask[(y + dy) * width + x + $0] } }) {
                    continue
                }
                var values = [Double](repeating: 0, count: p * p)
                for dy in 0..<p { for dx in 0..<p { values[dy * p + dx] = plane[(y + dy) * width + x + dx] } }
                let mean = values.reduce(0, +) / Double(p * p)
                let norm = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }.squareRoot()
                guard norm / Double(p) > 1.0 / 255 else { continue }
                result.append(values.map { Float(($0 - mean) / norm) })
            }
        }
        return result
    }

    /// Correlation coefficient of two equally sized planes (0 if either is flat).
    public static func imageCorrelation(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        let (ma, mb) = (a.reduce(0, +) / Double(a.count), b.reduce(0, +) / Double(b.count))
        var (ab, aa, bb) = (0.0, 0.0, 0.0)
        for i in a.indices {
            ab += (a[i] - ma) * (b[i] - mb)
            aa += (a[i] - ma) * (a[i] - ma)
            bb += (b[i] - mb) * (b[i] - mb)
        }
        return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 0
    }
}
