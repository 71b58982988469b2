// PortillaSimoncelliModel+Backward: ∂L/∂image from ∂L/∂(each statistic group), the forward pass in reverse.

extension PortillaSimoncelliModel {
    /// Backward of `record`: ∂L/∂image from ∂L/∂(each group's full array), `dGroups[g]` for
    /// `tape.groups[g]` (same order and sizes; zeros for entries the loss ignores). Runs the
    /// forward pass in reverse: each group's backward gives the gradients of the planes it read
    /// (magnitudes and their variances, band real parts, phase-doubled bands, reconstructed
    /// images and their zero lags, the high-pass, the image), then the magnitudes, phase
    /// doubling, reconstructions and the pyramid go back to the pixels.
    public func backward(_ tape: Tape, dGroups: [[Double]]) -> RealPlane {
        precondition(
            dGroups.count == tape.groups.count && zip(dGroups, tape.groups).allSatisfy { $0.count == $1.values.count })
        var d: [String: [Double]] = [:]
        for (group, gradient) in zip(tape.groups, dGroups) { d[group.name] = gradient }
        var gradients = Gradients(tape, scales: scales)
        reconstructedMomentsBackward(tape, d, &gradients)
        crossOrientationBackward(tape, d, &gradients)
        if scales > 1 { crossScaleBackward(tape, d, &gradients) }
        magnitudeAutoCorrelationBackward(tape, d, &gradients)
        let dImage = PixelStatistics.pixelStatisticsBackward(d["pixel_statistics"]!, tape.image)
        return dImage + pyramidBackward(tape, d, gradients)
    }

    /// The gradients `backward` gathers, of the forward pass's intermediate planes; each starts
    /// at zero and every group that read the plane adds its part (`+`).
    struct Gradients {
        /// [s][k], of the centred magnitudes m_{s,k}.
        var magnitudes: [[RealPlane]]
        /// [s][k], of var(m_{s,k}) (the zero lag of its auto-correlation).
        var magnitudeVariance: [[Double]]
        /// [s][k], of |z_{s,k}| before centring.
        var rawMagnitudes: [[RealPlane]]
        /// [s][k], of the complex bands z_{s,k}.
        var bands: [[ComplexPlane]]
        /// [s], s = 0 … S, of the reconstructed low-pass images r_s.
        var reconstructed: [RealPlane]
        /// [s], of var(r_s) (its zero lag).
        var reconstructedVariance: [Double]

        init(_ tape: Tape, scales: Int) {
            let zeroPlanes = { (planes: [[RealPlane]]) in
                planes.map { $0.map { RealPlane(zeros: $0.height, $0.width) } }
            }
            magnitudes = zeroPlanes(tape.magnitudes)
            magnitudeVariance = tape.magnitudes.map { $0.map { _ in 0.0 } }
            rawMagnitudes = zeroPlanes(tape.magnitudes)
            bands = tape.coefficients.bands.map { $0.map { ComplexPlane(zeros: $0.height, $0.width) } }
            reconstructed = tape.reconstructed.map { RealPlane(zeros: $0.height, $0.width) }
            reconstructedVariance = [Double](repeating: 0, count: scales + 1)
        }
    }

    /// skew / kurtosis / std of the reconstructed images (the variance is their zero lag).
    private func reconstructedMomentsBackward(_ tape: Tape, _ d: [String: [Double]], _ g: inout Gradients) {
        let imageVariance = tape.groups[0].values[1]
        for s in 0...scales {
            let (dSkew, dKurtosis) = (d["skew_reconstructed"]![s], d["kurtosis_reconstructed"]![s])
            let v = tape.reconstructedLags[s].zeroLag
            let moments = PixelStatistics.skewKurtosisAboutZeroBackward(
                dSkew: dSkew, dKurtosis: dKurtosis, tape.reconstructed[s],
                variance: v, imageVariance: imageVariance)
            g.reconstructed[s] = g.reconstructed[s] + moments.dImage
            g.reconstructedVariance[s] += moments.dVariance + d["std_reconstructed"]![s] / (2 * v.squareRoot())
        }
    }

    /// Cross-orientation correlations, magnitude standard deviations and magnitude means.
    private func crossOrientationBackward(_ tape: Tape, _ d: [String: [Double]], _ g: inout Gradients) {
        let (S, K) = (scales, orientations)
        let bands = tape.coefficients.bands
        let crossOrientation = d["cross_orientation_correlation_magnitude"]!
        for s in 0..<S {
            let block = (0..<(K * K)).map { crossOrientation[$0 * S + s] }
            let variance = tape.magnitudeLags[s].map(\.zeroLag)
            let back = CrossCorrelation.correlationsBackward(
                block, tape.magnitudes[s], tape.magnitudes[s], varianceA: variance, varianceB: variance)
            for k in 0..<K {
                g.magnitudes[s][k] = g.magnitudes[s][k] + back.dA[k] + back.dB[k]
                g.magnitudeVariance[s][k] += back.dVarianceA[k] + back.dVarianceB[k]
                g.magnitudeVariance[s][k] += d["magnitude_std"]![k * S + s] / (2 * variance[k].squareRoot())
                g.rawMagnitudes[s][k] =
                    g.rawMagnitudes[s][k]
                    + RealPlane(
                        height: bands[s][k].height, width: bands[s][k].width,
                        values: [Double](
                            repeating: d["magnitude_means"]![k * S + s] / Double(bands[s][k].count),
                            count: bands[s][k].count))
            }
        }
    }

    /// Cross-scale correlations: scale s against the phase-doubled bands of scale s + 1 (S > 1).
    private func crossScaleBackward(_ tape: Tape, _ d: [String: [Double]], _ g: inout Gradients) {
        let (S, K) = (scales, orientations)
        let bands = tape.coefficients.bands
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
                bands[s].map(\.real), doubled.map(\.real) + doubled.map(\.imaginary))
            for k in 0..<K {
                g.magnitudes[s][k] = g.magnitudes[s][k] + magnitude.dA[k]
                g.magnitudeVariance[s][k] += magnitude.dVarianceA[k]
                g.bands[s][k] = g.bands[s][k] + real.dA[k].complex
                let dDoubledMagnitude = RealPlane.centredBackward(magnitude.dB[k])
                var dDoubled = ComplexPlane.magnitudeBackward(dDoubledMagnitude, doubled[k])
                let (re, im) = (real.dB[k], real.dB[K + k])
                for p in 0..<dDoubled.count {
                    dDoubled.interleaved[2 * p] += re.values[p]
                    dDoubled.interleaved[2 * p + 1] += im.values[p]
                }
                g.bands[s + 1][k] = g.bands[s + 1][k] + PhaseDoubling.doubledBackward(dDoubled, bands[s + 1][k])
            }
        }
    }

    /// Auto-correlations of the magnitudes, then |z| − mean back to the bands.
    private func magnitudeAutoCorrelationBackward(_ tape: Tape, _ d: [String: [Double]], _ g: inout Gradients) {
        let (S, K, W) = (scales, orientations, correlationWidth)
        let autoMagnitude = d["auto_correlation_magnitude"]!
        for s in 0..<S {
            for k in 0..<K {
                let dLags = (0..<(W * W)).map { autoMagnitude[($0 * K + k) * S + s] }
                let lags = tape.magnitudeLags[s][k]
                g.magnitudes[s][k] =
                    g.magnitudes[s][k]
                    + AutoCorrelation.centralLagsBackward(
                        dNormalised: dLags, dZeroLag: g.magnitudeVariance[s][k], tape.magnitudes[s][k],
                        normalised: lags.normalised, zeroLag: lags.zeroLag, width: W)
                g.rawMagnitudes[s][k] = g.rawMagnitudes[s][k] + RealPlane.centredBackward(g.magnitudes[s][k])
                g.bands[s][k] =
                    g.bands[s][k] + ComplexPlane.magnitudeBackward(g.rawMagnitudes[s][k], tape.coefficients.bands[s][k])
            }
        }
    }

    /// Auto-correlations of the reconstructed images, the reconstructions back to the pyramid,
    /// var_highpass_residual to the high-pass, then the pyramid back to the pixels.
    private func pyramidBackward(_ tape: Tape, _ d: [String: [Double]], _ g: Gradients) -> RealPlane {
        let (S, K, W) = (scales, orientations, correlationWidth)
        var (dReconstructed, dBands) = (g.reconstructed, g.bands)
        let autoReconstructed = d["auto_correlation_reconstructed"]!
        for s in 0...S {
            let lags = tape.reconstructedLags[s]
            dReconstructed[s] =
                dReconstructed[s]
                + AutoCorrelation.centralLagsBackward(
                    dNormalised: (0..<(W * W)).map { autoReconstructed[$0 * (S + 1) + s] },
                    dZeroLag: g.reconstructedVariance[s],
                    tape.reconstructed[s], normalised: lags.normalised, zeroLag: lags.zeroLag, width: W)
        }
        let reconstruction = ReconstructedLowpass.imagesBackward(dReconstructed, pyramid: pyramid)
        for s in 0..<S {
            for k in 0..<K { dBands[s][k] = dBands[s][k] + reconstruction.dBands[s][k] }
        }
        let highpass = tape.coefficients.highpass
        let dHighpass = highpass.scaled(by: 2 * d["var_highpass_residual"]![0] / Double(highpass.count))
        let dCoefficients = PyramidCoefficients(
            highpass: dHighpass, bands: dBands, lowpass: RealPlane.centredBackward(reconstruction.dLowpass))
        return pyramid.decomposeBackward(dCoefficients)
    }
}
