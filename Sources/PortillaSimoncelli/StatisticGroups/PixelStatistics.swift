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
        return [
            mean, variance, third / n / pow(variance, 1.5), fourth / n / (variance * variance),
            image.values.min()!, image.values.max()!,
        ]
    }

    /// Skewness and kurtosis about 0 with a given variance σ²: (Σ x³ / N) / σ³ and (Σ x⁴ / N) / σ⁴
    /// (plenoptic's `stats.skew` / `stats.kurtosis` with mean = 0). Where σ² / imageVariance is
    /// below 1e-15 (torch.finfo(float64).resolution) the moments are numerically meaningless and
    /// the Gaussian values (0, 3) are returned instead, as plenoptic does.
    static func skewKurtosisAboutZero(
        _ image: RealPlane, variance: Double, imageVariance: Double
    ) -> (skew: Double, kurtosis: Double) {
        if variance / imageVariance < 1e-15 { return (0, 3) }
        let n = Double(image.count)
        var (third, fourth) = (0.0, 0.0)
        for v in image.values {
            let v2 = v * v
            (third, fourth) = (third + v2 * v, fourth + v2 * v2)
        }
        return (third / n / pow(variance, 1.5), fourth / n / (variance * variance))
    }

    /// Backward of `pixelStatistics` from G = (G_μ, G_σ², G_skew, G_kurt, G_min, G_max).
    /// With d = x − μ, m₃ = Σ d³ / N, m₄ = Σ d⁴ / N (the mean's own dependence on x included):
    /// ∂σ²/∂x = 2 d / (N − 1), ∂m₃/∂x = 3 (d² − Σ d² / N) / N, ∂m₄/∂x = 4 (d³ − m₃) / N,
    /// skew = m₃ σ⁻³, kurtosis = m₄ σ⁻⁴. min and max are not differentiable where they change
    /// arg-min / arg-max or at ties: their gradient is the subgradient 1 at the first pixel
    /// holding the minimum (maximum) and 0 elsewhere.
    static func pixelStatisticsBackward(_ dStatistics: [Double], _ image: RealPlane) -> RealPlane {
        let n = Double(image.count), mean = image.mean
        let d = image.values.map { $0 - mean }
        let second = d.reduce(0) { $0 + $1 * $1 }, m3 = d.reduce(0) { $0 + $1 * $1 * $1 } / n
        let m4 = d.reduce(0) { $0 + $1 * $1 * $1 * $1 } / n
        let variance = second / (n - 1)
        let (gMean, gVariance, gSkew, gKurtosis) = (dStatistics[0], dStatistics[1], dStatistics[2], dStatistics[3])
        // Everything that multiplies ∂σ²/∂x.
        let gVarianceTotal =
            gVariance - 1.5 * gSkew * m3 / pow(variance, 2.5) - 2 * gKurtosis * m4 / (variance * variance * variance)
        var out = d.map { di in
            gMean / n + gVarianceTotal * 2 * di / (n - 1)
                + gSkew / pow(variance, 1.5) * 3 * (di * di - second / n) / n
                + gKurtosis / (variance * variance) * 4 * (di * di * di - m3) / n
        }
        if let low = image.values.indices.min(by: { image.values[$0] < image.values[$1] }) {
            out[low] += dStatistics[4]
        }
        if let high = image.values.indices.max(by: { image.values[$0] < image.values[$1] }) {
            out[high] += dStatistics[5]
        }
        return RealPlane(height: image.height, width: image.width, values: out)
    }

    /// Backward of `skewKurtosisAboutZero` from (G_skew, G_kurt): the gradient of the image and
    /// of the variance σ² (given, for the caller to route), with m₃ = Σ x³ / N, m₄ = Σ x⁴ / N:
    /// ∂skew/∂x = 3 x² / (N σ³), ∂skew/∂σ² = −1.5 m₃ / σ⁵, ∂kurt/∂x = 4 x³ / (N σ⁴),
    /// ∂kurt/∂σ² = −2 m₄ / σ⁶. Below the threshold the outputs are constants: zero gradients.
    static func skewKurtosisAboutZeroBackward(
        dSkew: Double, dKurtosis: Double, _ image: RealPlane, variance: Double, imageVariance: Double
    )
        -> (dImage: RealPlane, dVariance: Double)
    {
        if variance / imageVariance < 1e-15 { return (RealPlane(zeros: image.height, image.width), 0) }
        let n = Double(image.count)
        let m3 = image.values.reduce(0) { $0 + $1 * $1 * $1 } / n,
            m4 = image.values.reduce(0) { $0 + $1 * $1 * $1 * $1 } / n
        let (a, b) = (dSkew / pow(variance, 1.5) * 3 / n, dKurtosis / (variance * variance) * 4 / n)
        let dImage = image.values.map { v in a * v * v + b * v * v * v }
        let dVariance = -1.5 * dSkew * m3 / pow(variance, 2.5) - 2 * dKurtosis * m4 / (variance * variance * variance)
        return (RealPlane(height: image.height, width: image.width, values: dImage), dVariance)
    }
}
