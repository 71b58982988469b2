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
        var groups = [
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

    /// Backward of `record`: ∂L/∂image from ∂L/∂(each group's full array), `dGroups[g]` for
    /// `tape.groups[g]` (same order and sizes; zeros for entries the loss ignores). Runs the
    /// forward pass in reverse: each group's backward gives the gradients of the planes it read
    /// (magnitudes and their variances, band real parts, phase-doubled bands, reconstructed
    /// images and their zero lags, the high-pass, the image), then the magnitudes, phase
    /// doubling, reconstructions and the pyramid go back to the pixels.
    public func backward(_ tape: Tape, dGroups: [[Double]]) -> RealPlane {
        precondition(
            dGroups.count == tape.groups.count && zip(dGroups, tape.groups).allSatisfy { $0.count == $1.values.count })
        let (S, K, W) = (scales, orientations, correlationWidth)
        let c = tape.coefficients
        var d: [String: [Double]] = [:]
        for (group, gradient) in zip(tape.groups, dGroups) { d[group.name] = gradient }
        let zeroPlanes = { (planes: [[RealPlane]]) in planes.map { $0.map { RealPlane(zeros: $0.height, $0.width) } } }
        var dImage = PixelStatistics.pixelStatisticsBackward(d["pixel_statistics"]!, tape.image)
        var dMagnitudes = zeroPlanes(tape.magnitudes)  // [s][k], of the centred magnitudes
        var dMagnitudeVariance = tape.magnitudes.map { $0.map { _ in 0.0 } }  // [s][k]
        var dRawMagnitudes = zeroPlanes(tape.magnitudes)  // [s][k], of |z| before centring
        var dBands = c.bands.map { $0.map { ComplexPlane(zeros: $0.height, $0.width) } }
        var dReconstructed = tape.reconstructed.map { RealPlane(zeros: $0.height, $0.width) }
        var dReconstructedVariance = [Double](repeating: 0, count: S + 1)
        let imageVariance = tape.groups[0].values[1]

        // skew / kurtosis / std of the reconstructed images (the variance is their zero lag).
        for s in 0...S {
            let (dSkew, dKurtosis) = (d["skew_reconstructed"]![s], d["kurtosis_reconstructed"]![s])
            let v = tape.reconstructedLags[s].zeroLag
            let moments = PixelStatistics.skewKurtosisAboutZeroBackward(
                dSkew: dSkew, dKurtosis: dKurtosis, tape.reconstructed[s],
                variance: v, imageVariance: imageVariance)
            dReconstructed[s] = dReconstructed[s] + moments.dImage
            dReconstructedVariance[s] += moments.dVariance + d["std_reconstructed"]![s] / (2 * v.squareRoot())
        }
        // Cross-orientation correlations and magnitude standard deviations.
        let crossOrientation = d["cross_orientation_correlation_magnitude"]!
        for s in 0..<S {
            let block = (0..<(K * K)).map { crossOrientation[$0 * S + s] }
            let variance = tape.magnitudeLags[s].map(\.zeroLag)
            let back = CrossCorrelation.correlationsBackward(
                block, tape.magnitudes[s], tape.magnitudes[s], varianceA: variance, varianceB: variance)
            for k in 0..<K {
                dMagnitudes[s][k] = dMagnitudes[s][k] + back.dA[k] + back.dB[k]
                dMagnitudeVariance[s][k] += back.dVarianceA[k] + back.dVarianceB[k]
                dMagnitudeVariance[s][k] += d["magnitude_std"]![k * S + s] / (2 * variance[k].squareRoot())
                dRawMagnitudes[s][k] =
                    dRawMagnitudes[s][k]
                    + RealPlane(
                        height: c.bands[s][k].height, width: c.bands[s][k].width,
                        values: [Double](
                            repeating: d["magnitude_means"]![k * S + s] / Double(c.bands[s][k].count),
                            count: c.bands[s][k].count))
            }
        }
        // Cross-scale correlations: scale s against the phase-doubled bands of scale s + 1.
        if S > 1 {
            let (dMagnitudeScale, dRealScale) = (
                d["cross_scale_correlation_magnitude"]!, d["cross_scale_correlation_real"]!
            )
            for s in 0..<(S - 1) {
                let variance = tape.magnitudeLags[s].map(\.zeroLag)
                let magnitude = CrossCorrelation.correlationsBackward(
                    (0..<(K * K)).map { dMagnitudeScale[$0 * (S - 1) + s] },
                    tape.magnitudes[s], tape.doubledMagnitudes[s], varianceA: variance)
                let doubled = tape.doubled[s]
                let real = CrossCorrelation.correlationsBackward(
                    (0..<(2 * K * K)).map { dRealScale[$0 * (S - 1) + s] },
                    c.bands[s].map(\.real), doubled.map(\.real) + doubled.map(\.imaginary))
                for k in 0..<K {
                    dMagnitudes[s][k] = dMagnitudes[s][k] + magnitude.dA[k]
                    dMagnitudeVariance[s][k] += magnitude.dVarianceA[k]
                    dBands[s][k] = dBands[s][k] + real.dA[k].complex
                    let dDoubledMagnitude = RealPlane.centredBackward(magnitude.dB[k])
                    var dDoubled = ComplexPlane.magnitudeBackward(dDoubledMagnitude, doubled[k])
                    let (re, im) = (real.dB[k], real.dB[K + k])
                    for p in 0..<dDoubled.count {
                        dDoubled.interleaved[2 * p] += re.values[p]
                        dDoubled.interleaved[2 * p + 1] += im.values[p]
                    }
                    dBands[s + 1][k] = dBands[s + 1][k] + PhaseDoubling.doubledBackward(dDoubled, c.bands[s + 1][k])
                }
            }
        }
        // Auto-correlations of the magnitudes, then |z| − mean back to the bands.
        let autoMagnitude = d["auto_correlation_magnitude"]!
        for s in 0..<S {
            for k in 0..<K {
                let dLags = (0..<(W * W)).map { autoMagnitude[($0 * K + k) * S + s] }
                let lags = tape.magnitudeLags[s][k]
                dMagnitudes[s][k] =
                    dMagnitudes[s][k]
                    + AutoCorrelation.centralLagsBackward(
                        dNormalised: dLags, dZeroLag: dMagnitudeVariance[s][k], tape.magnitudes[s][k],
                        normalised: lags.normalised, zeroLag: lags.zeroLag, width: W)
                dRawMagnitudes[s][k] = dRawMagnitudes[s][k] + RealPlane.centredBackward(dMagnitudes[s][k])
                dBands[s][k] = dBands[s][k] + ComplexPlane.magnitudeBackward(dRawMagnitudes[s][k], c.bands[s][k])
            }
        }
        // Auto-correlations of the reconstructed images, then the reconstructions back to the pyramid.
        let autoReconstructed = d["auto_correlation_reconstructed"]!
        for s in 0...S {
            let lags = tape.reconstructedLags[s]
            dReconstructed[s] =
                dReconstructed[s]
                + AutoCorrelation.centralLagsBackward(
                    dNormalised: (0..<(W * W)).map { autoReconstructed[$0 * (S + 1) + s] },
                    dZeroLag: dReconstructedVariance[s],
                    tape.reconstructed[s], normalised: lags.normalised, zeroLag: lags.zeroLag, width: W)
        }
        let reconstruction = ReconstructedLowpass.imagesBackward(dReconstructed, pyramid: pyramid)
        for s in 0..<S {
            for k in 0..<K { dBands[s][k] = dBands[s][k] + reconstruction.dBands[s][k] }
        }
        let dHighpass = c.highpass.scaled(by: 2 * d["var_highpass_residual"]![0] / Double(c.highpass.count))
        let dCoefficients = PyramidCoefficients(
            highpass: dHighpass, bands: dBands, lowpass: RealPlane.centredBackward(reconstruction.dLowpass))
        dImage = dImage + pyramid.decomposeBackward(dCoefficients)
        return dImage
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
