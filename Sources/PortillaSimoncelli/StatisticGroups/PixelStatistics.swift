// PixelStatistics: the marginal statistics of the image's pixels and of the reconstructed low-pass images.

import Foundation

enum PixelStatistics {
    /// [mean, variance, skewness, kurtosis, min, max] of an image x of N pixels, as plenoptic:
    /// μ = Σ x / N, σ² = Σ (x − μ)² / (N − 1) (unbiased, torch.var), skewness = (Σ (x − μ)³ / N) / σ³,
    /// kurtosis = (Σ (x − μ)⁴ / N) / σ⁴ (not excess: 3 for a Gaussian).
    static func pixelStatistics(_ image: RealPlane) -> [Double] {
        let n = Double(image.count), mean = image.mean
        var (second, third, fourth) = (0.0, 0.0, 0.0)
        for v in image.values {
            let d = v - mean, d2 = d * d
            (second, third, fourth) = (second + d2, third + d2 * d, fourth + d2 * d2)
        }
        let variance = second / (n - 1)
        return [mean, variance, third / n / pow(variance, 1.5), fourth / n / (variance * variance),
                image.values.min()!, image.values.max()!]
    }

    /// Skewness and kurtosis about 0 with a given variance σ²: (Σ x³ / N) / σ³ and (Σ x⁴ / N) / σ⁴
    /// (plenoptic's `stats.skew` / `stats.kurtosis` with mean = 0). Where σ² / imageVariance is
    /// below 1e-15 (torch.finfo(float64).resolution) the moments are numerically meaningless and
    /// the Gaussian values (0, 3) are returned instead, as plenoptic does.
    static func skewKurtosisAboutZero(_ image: RealPlane, variance: Double, imageVariance: Double) -> (skew: Double, kurtosis: Double) {
        if variance / imageVariance < 1e-15 { return (0, 3) }
        let n = Double(image.count)
        var (third, fourth) = (0.0, 0.0)
        for v in image.values {
            let v2 = v * v
            (third, fourth) = (third + v2 * v, fourth + v2 * v2)
        }
        return (third / n / pow(variance, 1.5), fourth / n / (variance * variance))
    }
}
