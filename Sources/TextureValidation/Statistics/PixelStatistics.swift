// PixelStatistics: luminance, contrast, clipping and histogram statistics of stored pixel values.
//
// Luminance here is Rec. 709 luma, Y = 0.2126 R + 0.7152 G + 0.0722 B, computed on the stored
// code values scaled to [0, 1]. Stored values are display-agnostic (no gamma or monitor model is
// applied): a statement about luminance in cd/m² needs the display's calibration.

import TextureCore

public struct LuminanceStatistics: Codable, Sendable, Equatable {
    public var mean: Double
    public var standardDeviation: Double
    /// SD / mean (0 for a black image).
    public var rmsContrast: Double
    /// (max − min) / (max + min) (0 for a black image).
    public var michelsonContrast: Double
}

public enum PixelStatistics {
    /// Rec. 709 luma of a (1 or 3, H, W) image in [0, 1], as one plane.
    public static func luma(_ image: Tensor) -> [Double] {
        let m = image.shape.positions
        if image.shape.channels == 1 { return image.data.map(Double.init) }
        return (0..<m).map {
            0.2126 * Double(image.data[$0]) + 0.7152 * Double(image.data[m + $0]) + 0.0722
                * Double(image.data[2 * m + $0])
        }
    }

    public static func luminance(_ values: [Double]) -> LuminanceStatistics {
        let mean = values.reduce(0, +) / Double(max(values.count, 1))
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(values.count, 1))
        let (low, high) = (values.min() ?? 0, values.max() ?? 0)
        return LuminanceStatistics(
            mean: mean, standardDeviation: variance.squareRoot(),
            rmsContrast: mean > 0 ? variance.squareRoot() / mean : 0,
            michelsonContrast: high + low > 0 ? (high - low) / (high + low) : 0)
    }

    /// Mean over pixels of the largest difference between two of R, G and B, in 8-bit code
    /// values (0 for a grey or one-channel image): how tinted the image is.
    public static func chroma(_ image: Tensor) -> Double {
        let m = image.shape.positions
        guard image.shape.channels == 3, m > 0 else { return 0 }
        var total = 0.0
        for i in 0..<m {
            let (r, g, b) = (image.data[i], image.data[m + i], image.data[2 * m + i])
            total += Double(max(r, g, b) - min(r, g, b))
        }
        return 255 * total / Double(m)
    }

    /// Chroma the image has beyond its source's, relative to the source's own plus one code value:
    /// max(0, C − C_source) / (C_source + 1). For a grey source it is the tint in code values; for
    /// a coloured one, the fraction of chroma added (a synthesis of a colourful texture adds a
    /// little: 0.03–0.09 measured on the demo's pebbles, whose chroma is 45).
    public static func excessChroma(_ image: Tensor, source: Tensor) -> Double {
        let own = chroma(source)
        return max(0, chroma(image) - own) / (own + 1)
    }

    /// True when every pixel's R, G and B lie within one 8-bit code value of each other
    /// (a grey image saved as RGB, or with a little JPEG chroma noise).
    public static func isGrey(_ image: Tensor) -> Bool {
        let m = image.shape.positions
        guard image.shape.channels == 3 else { return true }
        let tolerance: Float = 1.0 / 255 + 1e-6
        for i in 0..<m {
            let (r, g, b) = (image.data[i], image.data[m + i], image.data[2 * m + i])
            if max(r, g, b) - min(r, g, b) > tolerance { return false }
        }
        return true
    }

    /// Fraction of all samples (every channel) at the lowest and at the highest code value.
    public static func clipping(_ image: Tensor) -> (atMinimum: Double, atMaximum: Double) {
        let count = Double(image.data.count)
        return (
            Double(image.data.filter { $0 <= 0 }.count) / count, Double(image.data.filter { $0 >= 1 }.count) / count
        )
    }

    /// A 256-bin histogram of one channel's values in [0, 1], normalised to sum 1.
    public static func histogram(_ values: ArraySlice<Float>) -> [Double] {
        var bins = [Double](repeating: 0, count: 256)
        for value in values { bins[min(255, max(0, Int(Double(value) * 256)))] += 1 }
        let total = Double(max(values.count, 1))
        return bins.map { $0 / total }
    }

    /// Earth mover's distance between two normalised 256-bin histograms, in units of the full
    /// [0, 1] range: Σ |CDF_a − CDF_b| / 256 (0 = same distribution, 1 = all mass moved end to end).
    public static func earthMoversDistance(_ a: [Double], _ b: [Double]) -> Double {
        var (cdfA, cdfB, total) = (0.0, 0.0, 0.0)
        for i in 0..<min(a.count, b.count) {
            cdfA += a[i]
            cdfB += b[i]
            total += abs(cdfA - cdfB)
        }
        return total / Double(a.count)
    }

    /// The largest per-channel histogram distance between an image and its source (same channels).
    public static func histogramDistance(_ image: Tensor, _ source: Tensor) -> Double {
        let (m, n) = (image.shape.positions, source.shape.positions)
        return (0..<min(image.shape.channels, source.shape.channels)).map { c in
            earthMoversDistance(
                histogram(image.data[(c * m)..<((c + 1) * m)]), histogram(source.data[(c * n)..<((c + 1) * n)]))
        }.max() ?? 0
    }
}
