// PortillaSimoncelliModel: the Portilla–Simoncelli texture statistics of a grey image, group by group, as plenoptic 2.1.1 computes them.

/// The texture statistics of Portilla & Simoncelli (2000) for (H, W) grey images, following
/// plenoptic 2.1.1's `PortillaSimoncelli(image_shape, n_scales, n_orientations, spatial_corr_width)`.
/// All arithmetic is double precision.
///
/// With the complex steerable pyramid (S scales, K orientations) of the image — high-pass h,
/// bands z_{s,k}, low-pass residual l (mean removed) — magnitudes m_{s,k} = |z_{s,k}| − mean,
/// and the reconstructed low-pass images r_s (`ReconstructedLowpass`), the groups are
/// (shapes and kept entries in `StatisticLayout`):
///   pixel_statistics                 mean, unbiased variance, skewness, kurtosis, min, max of the image
///   auto_correlation_magnitude       central W × W lags of m_{s,k}'s auto-correlation / its variance
///   skew_reconstructed, kurtosis_reconstructed   of r_s about 0, with var(r_s) its zero lag
///   auto_correlation_reconstructed   central W × W lags of r_s's auto-correlation / its zero lag
///   std_reconstructed                √ zero lag of r_s
///   cross_orientation_correlation_magnitude   corr(m_{s,k₁}, m_{s,k₂})
///   magnitude_std                    √ var(m_{s,k})
///   cross_scale_correlation_magnitude   corr(m_{s,k₁}, |d_{s+1,k₂}| − mean), d = phase-doubled upsampled z
///   cross_scale_correlation_real     corr(Re z_{s,k₁}, [Re d_{s+1,k₂}, Im d_{s+1,k₂}])
///   var_highpass_residual            Σ h² / (H W)
/// plus texstim's magnitude_means, mean |z_{s,k}| (K, S).
public struct PortillaSimoncelliModel: Sendable {
    public let height: Int
    public let width: Int
    public let scales: Int
    public let orientations: Int
    public let correlationWidth: Int
    let pyramid: SteerablePyramid

    /// Checks plenoptic's rules for the image size and parameters and builds the pyramid's masks.
    public init(
        height: Int, width: Int, scales: Int = 4, orientations: Int = 4, correlationWidth: Int = 7
    ) throws(PortillaSimoncelliError) {
        try Self.check(
            height: height, width: width, scales: scales, orientations: orientations,
            correlationWidth: correlationWidth)
        (self.height, self.width, self.scales, self.orientations, self.correlationWidth) = (
            height, width, scales, orientations, correlationWidth
        )
        pyramid = SteerablePyramid(height: height, width: width, scales: scales, orientations: orientations)
    }

    /// plenoptic's rules for the image size and parameters, without building anything.
    public static func check(
        height: Int, width: Int, scales: Int, orientations: Int,
        correlationWidth: Int
    ) throws(PortillaSimoncelliError) {
        guard scales >= 1 else { throw .scalesOutOfRange(scales) }
        guard (2...16).contains(orientations) else { throw .orientationsOutOfRange(orientations) }
        guard correlationWidth >= 1 else { throw .correlationWidthOutOfRange(correlationWidth) }
        guard scales < 30, height % (1 << scales) == 0, width % (1 << scales) == 0 else {
            throw .sideNotDivisible(height: height, width: width, scales: scales)
        }
        let maximum = Int.bitWidth - 1 - min(height, width).leadingZeroBitCount - 2  // ⌊log₂ min⌋ − 2
        guard scales <= maximum else {
            throw .tooManyScales(height: height, width: width, scales: scales, maximum: maximum)
        }
        guard correlationWidth <= min(height, width) >> scales else {
            throw .correlationWidthTooLarge(
                height: height, width: width, scales: scales, correlationWidth: correlationWidth)
        }
    }

    /// The statistic groups of an (H, W) image, in plenoptic's order, then magnitude_means.
    public func statistics(of image: RealPlane) -> [StatisticGroup] { record(image).groups }

    /// The statistics of an image and what `backward` needs to differentiate them (the forward
    /// pass's intermediate planes).
    public struct Tape: Sendable {
        public let groups: [StatisticGroup]
        let image: RealPlane
        /// The pyramid, its low-pass residual mean-subtracted.
        let coefficients: PyramidCoefficients
        let magnitudes: [[RealPlane]]  // [s][k], centred
        let magnitudeLags: [[(normalised: [Double], zeroLag: Double)]]  // [s][k]
        let reconstructed: [RealPlane]  // [s], s = 0 … S
        let reconstructedLags: [(normalised: [Double], zeroLag: Double)]
        let doubled: [[ComplexPlane]]  // [s][k] for s = 0 … S−2: phase-doubled bands of scale s + 1
        let doubledMagnitudes: [[RealPlane]]  // [s][k], centred
    }

    /// The forward pass, keeping its intermediates.
    public func record(_ image: RealPlane) -> Tape {
        precondition(
            image.height == height && image.width == width,
            "image \(image.height)×\(image.width), model \(height)×\(width)")
        var coefficients = pyramid.decompose(image)
        coefficients.lowpass = coefficients.lowpass.centred()
        let (S, K, W) = (scales, orientations, correlationWidth)
        let rawMagnitudes = coefficients.bands.map { $0.map(\.magnitude) }
        let magnitudes = rawMagnitudes.map { $0.map { $0.centred() } }  // [s][k]
        let pixels = PixelStatistics.pixelStatistics(image)

        let magnitudeLags = magnitudes.map { $0.map { AutoCorrelation.centralLags($0, width: W) } }  // [s][k]
        let magnitudeVariance = magnitudeLags.map { $0.map(\.zeroLag) }  // [s][k]
        let reconstructed = ReconstructedLowpass.images(coefficients, pyramid: pyramid)
        let reconstructedLags = reconstructed.map { AutoCorrelation.centralLags($0, width: W) }
        let moments = zip(reconstructed, reconstructedLags).map {
            PixelStatistics.skewKurtosisAboutZero($0, variance: $1.zeroLag, imageVariance: pixels[1])
        }
        var groups = withinScaleGroups(
            pixels: pixels, magnitudeLags: magnitudeLags, moments: moments, reconstructedLags: reconstructedLags,
            magnitudes: magnitudes, magnitudeVariance: magnitudeVariance)
        let doubled = (0..<max(0, S - 1)).map { coefficients.bands[$0 + 1].map(PhaseDoubling.doubled) }
        let doubledMagnitudes = doubled.map { $0.map { $0.magnitude.centred() } }
        if S > 1 {
            groups += crossScaleGroups(
                coefficients, magnitudes: magnitudes, magnitudeVariance: magnitudeVariance,
                doubled: doubled, doubledMagnitudes: doubledMagnitudes)
        }
        groups.append(
            StatisticLayout.full(
                "var_highpass_residual", shape: [1], values: [CrossCorrelation.meanSquare(coefficients.highpass)]))
        groups.append(
            StatisticLayout.full(
                "magnitude_means", shape: [K, S],
                values: Self.interleave(lags: 1, K, S) { _, k, s in rawMagnitudes[s][k].mean }))
        return Tape(
            groups: groups, image: image, coefficients: coefficients, magnitudes: magnitudes,
            magnitudeLags: magnitudeLags,
            reconstructed: reconstructed, reconstructedLags: reconstructedLags, doubled: doubled,
            doubledMagnitudes: doubledMagnitudes)
    }

    /// pixel_statistics to magnitude_std (each of one scale at a time), in plenoptic's order.
    private func withinScaleGroups(
        pixels: [Double], magnitudeLags: [[(normalised: [Double], zeroLag: Double)]],
        moments: [(skew: Double, kurtosis: Double)], reconstructedLags: [(normalised: [Double], zeroLag: Double)],
        magnitudes: [[RealPlane]], magnitudeVariance: [[Double]]
    ) -> [StatisticGroup] {
        let (S, K, W) = (scales, orientations, correlationWidth)
        return [
            StatisticLayout.full("pixel_statistics", shape: [6], values: pixels),
            StatisticGroup(
                name: "auto_correlation_magnitude", shape: [W, W, K, S],
                values: Self.interleave(lags: W * W, K, S) { lag, k, s in magnitudeLags[s][k].normalised[lag] },
                kept: StatisticLayout.keptAutoCorrelation(width: W, trailing: K * S)),
            StatisticLayout.full("skew_reconstructed", shape: [S + 1], values: moments.map(\.skew)),
            StatisticLayout.full("kurtosis_reconstructed", shape: [S + 1], values: moments.map(\.kurtosis)),
            StatisticGroup(
                name: "auto_correlation_reconstructed", shape: [W, W, S + 1],
                values: Self.interleave(lags: W * W, 1, S + 1) { lag, _, s in reconstructedLags[s].normalised[lag] },
                kept: StatisticLayout.keptAutoCorrelation(width: W, trailing: S + 1)),
            StatisticLayout.full(
                "std_reconstructed", shape: [S + 1], values: reconstructedLags.map { $0.zeroLag.squareRoot() }),
            StatisticGroup(
                name: "cross_orientation_correlation_magnitude", shape: [K, K, S],
                values: Self.stackScales(
                    (0..<S).map {
                        CrossCorrelation.correlations(
                            magnitudes[$0], magnitudes[$0], varianceA: magnitudeVariance[$0],
                            varianceB: magnitudeVariance[$0])
                    }),
                kept: StatisticLayout.keptCrossOrientation(orientations: K, scales: S)),
            StatisticLayout.full(
                "magnitude_std", shape: [K, S],
                values: Self.interleave(lags: 1, K, S) { _, k, s in magnitudeVariance[s][k].squareRoot() }),
        ]
    }

    /// cross_scale_correlation_magnitude (K, K, S−1) and cross_scale_correlation_real (K, 2K, S−1):
    /// scale s (0 … S−2) against the phase-doubled, upsampled bands of scale s + 1.
    private func crossScaleGroups(
        _ coefficients: PyramidCoefficients, magnitudes: [[RealPlane]], magnitudeVariance: [[Double]],
        doubled: [[ComplexPlane]], doubledMagnitudes: [[RealPlane]]
    ) -> [StatisticGroup] {
        let (S, K) = (scales, orientations)
        var magnitudeBlocks: [[Double]] = [], realBlocks: [[Double]] = []
        for s in 0..<(S - 1) {
            magnitudeBlocks.append(
                CrossCorrelation.correlations(magnitudes[s], doubledMagnitudes[s], varianceA: magnitudeVariance[s]))
            realBlocks.append(
                CrossCorrelation.correlations(
                    coefficients.bands[s].map(\.real), doubled[s].map(\.real) + doubled[s].map(\.imaginary)))
        }
        return [
            StatisticLayout.full(
                "cross_scale_correlation_magnitude", shape: [K, K, S - 1], values: Self.stackScales(magnitudeBlocks)),
            StatisticLayout.full(
                "cross_scale_correlation_real", shape: [K, 2 * K, S - 1], values: Self.stackScales(realBlocks)),
        ]
    }

    /// A (lags, K, S) C-order array from value(lag, k, s).
    private static func interleave(lags: Int, _ k: Int, _ s: Int, _ value: (Int, Int, Int) -> Double) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(lags * k * s)
        for lag in 0..<lags {
            for orientation in 0..<k {
                for scale in 0..<s { out.append(value(lag, orientation, scale)) }
            }
        }
        return out
    }

    /// Blocks of equal size n, one per scale, stacked on a last axis: out[i · S + s] = blocks[s][i].
    private static func stackScales(_ blocks: [[Double]]) -> [Double] {
        let n = blocks[0].count
        return (0..<n).flatMap { i in blocks.map { $0[i] } }
    }
}
