// SteerablePyramid: the complex steerable pyramid, built in the Fourier domain (plenoptic's SteerablePyramidFreq, complex, downsampled, not tight-frame).

/// The coefficients of one image: the high-pass residual (H, W), per scale s = 0 … S−1 (fine to
/// coarse) K complex bands of (H / 2^s, W / 2^s), and the low-pass residual (H / 2^S, W / 2^S).
public struct PyramidCoefficients: Sendable {
    public var highpass: RealPlane
    /// bands[s][k]: scale s, orientation k (angle π k / K).
    public var bands: [[ComplexPlane]]
    public var lowpass: RealPlane
}

/// A complex steerable pyramid with S scales and K orientations for (H, W) images (Simoncelli &
/// Freeman 1995; Portilla & Simoncelli 2000), following plenoptic 2.1.1's `SteerablePyramidFreq`
/// with `order = K − 1, is_complex = True, tight_frame = False, downsample = True, twidth = 1`.
///
/// With F = fftshift(fft2(image)) (unnormalised DFT), the masks of `PyramidMasks` and the
/// constant (−i)^{K−1}:
///   highpass   = Re ifft2(ifftshift(F · H₀))
///   L₀         = F · L₀mask
///   band(s, k) = ifft2(ifftshift((−i)^{K−1} · L_s · A_{s,k} · H_s))       (complex, L_s's size)
///   L_{s+1}    = crop(L_s, centre half) · L_s mask
///   lowpass    = Re ifft2(ifftshift(L_S))
/// Cropping the centred spectrum halves the size, so band s is (H / 2^s, W / 2^s); the inverse
/// transform of a crop carries 1 / (H W / 4^s), so coarser levels are not renormalised (as in
/// plenoptic, whose Portilla–Simoncelli statistics depend on that scaling).
public struct SteerablePyramid: Sendable {
    public let height: Int
    public let width: Int
    public let scales: Int
    public let orientations: Int
    let masks: PyramidMasks

    /// - Precondition: sides even, ≥ 1 scale with S ≤ ⌊log₂ min(H, W)⌋ − 2, K ≥ 2 (checked by
    ///   `PortillaSimoncelliModel`, which reports them as errors).
    public init(height: Int, width: Int, scales: Int, orientations: Int) {
        precondition(scales >= 0 && orientations >= 2 && orientations <= 16)
        (self.height, self.width, self.scales, self.orientations) = (height, width, scales, orientations)
        masks = PyramidMasks(height: height, width: width, scales: scales, orientations: orientations)
    }

    /// (−i)^o for analysis, i^o for synthesis, o = K − 1 (exact: o mod 4 picks 1, ∓i, −1, ±i).
    private func orderConstant(analysis: Bool) -> (re: Double, im: Double) {
        let sign: Double = analysis ? -1 : 1
        switch (orientations - 1) % 4 {
        case 0: return (1, 0)
        case 1: return (0, sign)
        case 2: return (-1, 0)
        default: return (0, -sign)
        }
    }

    /// The pyramid of a real (H, W) image.
    public func decompose(_ image: RealPlane) -> PyramidCoefficients {
        precondition(
            image.height == height && image.width == width,
            "image \(image.height)×\(image.width), pyramid \(height)×\(width)")
        let spectrum = Fourier.centredSpectrum(image)
        let highpass = Fourier.spatial(spectrum.multiplied(by: masks.highpass0)).real
        var lowpass = spectrum.multiplied(by: masks.lowpass0)
        let constant = orderConstant(analysis: true)
        var bands: [[ComplexPlane]] = []
        for level in masks.levels {
            bands.append(
                level.analysis.map { angular in
                    let mask = zip(angular, level.highpass).map { $0 * $1 }
                    return Fourier.spatial(lowpass.multiplied(by: constant).multiplied(by: mask))
                })
            lowpass = lowpass.cropped(rows: level.lowpassRows, columns: level.lowpassColumns).multiplied(
                by: level.lowpass)
        }
        return PyramidCoefficients(highpass: highpass, bands: bands, lowpass: Fourier.spatial(lowpass).real)
    }

    /// What `reconstruct` puts back: the high-pass residual, some band scales (all orientations
    /// of each), the low-pass residual.
    public struct Levels: Sendable {
        public var highpass = false
        public var bandScales: Set<Int> = []
        public var lowpass = false

        public init(highpass: Bool = false, bandScales: Set<Int> = [], lowpass: Bool = false) {
            (self.highpass, self.bandScales, self.lowpass) = (highpass, bandScales, lowpass)
        }

        public static func all(scales: Int) -> Levels {
            Levels(highpass: true, bandScales: Set(0..<scales), lowpass: true)
        }
    }

    /// The (H, W) image made from the chosen levels alone (plenoptic's `recon_pyr(levels:)`),
    /// coarse to fine: R_S = fftshift(fft2(lowpass)) (or 0); for s = S−1 … 0,
    /// R_s = pad(R_{s+1} · L_s mask) + Σ_k i^{K−1} · fftshift(fft2(band(s, k))) · A'_{s,k} · H_s,
    /// where A' is the synthesis angular mask (half the analysis amplitude, both half-planes);
    /// image = Re ifft2(ifftshift(R₀ · L₀mask + fftshift(fft2(highpass)) · H₀)).
    /// With every level, this inverts `decompose` up to rounding (for even sides).
    public func reconstruct(_ coefficients: PyramidCoefficients, levels: Levels) -> RealPlane {
        var spectrum =
            levels.lowpass
            ? Fourier.centredSpectrum(coefficients.lowpass)
            : ComplexPlane(zeros: coefficients.lowpass.height, coefficients.lowpass.width)
        let constant = orderConstant(analysis: false)
        for s in stride(from: scales - 1, through: 0, by: -1) {
            let level = masks.levels[s]
            var band = spectrum.multiplied(by: level.lowpass)
                .padded(
                    height: level.height, width: level.width, top: level.lowpassRows.lowerBound,
                    left: level.lowpassColumns.lowerBound)
            if levels.bandScales.contains(s) {
                for (k, angular) in level.synthesis.enumerated() {
                    let mask = zip(angular, level.highpass).map { $0 * $1 }
                    let oriented = Fourier.fftshift(Fourier.fft2(coefficients.bands[s][k])).multiplied(by: constant)
                        .multiplied(by: mask)
                    band = band + oriented
                }
            }
            spectrum = band
        }
        var output = spectrum.multiplied(by: masks.lowpass0)
        if levels.highpass {
            output = output + Fourier.centredSpectrum(coefficients.highpass).multiplied(by: masks.highpass0)
        }
        return Fourier.spatial(output).real
    }

    // MARK: - Backward (adjoints: both maps are real-linear, see Fourier's backward conventions)

    /// Backward of `decompose`: ∂L/∂image from the gradients of every coefficient (a zero plane
    /// for a level the loss does not use). The forward steps in reverse, each by its adjoint:
    /// Re → embed, spatial → spatialBackward, a real mask → the same (float32-rounded) mask,
    /// (−i)^{K−1} → its conjugate, the centre crop → zero padding, centredSpectrum → its adjoint.
    public func decomposeBackward(_ dCoefficients: PyramidCoefficients) -> RealPlane {
        let analysis = orderConstant(analysis: true)
        let constant = (re: analysis.re, im: -analysis.im)  // conj((−i)^{K−1})
        var dLowpass = Fourier.spatialBackward(dCoefficients.lowpass.complex)
        for s in stride(from: scales - 1, through: 0, by: -1) {
            let level = masks.levels[s]
            var dLevel = dLowpass.multiplied(by: level.lowpass)
                .padded(
                    height: level.height, width: level.width, top: level.lowpassRows.lowerBound,
                    left: level.lowpassColumns.lowerBound)
            for (k, angular) in level.analysis.enumerated() {
                let mask = zip(angular, level.highpass).map { $0 * $1 }
                dLevel =
                    dLevel
                    + Fourier.spatialBackward(dCoefficients.bands[s][k]).multiplied(by: mask).multiplied(by: constant)
            }
            dLowpass = dLevel
        }
        let dSpectrum =
            dLowpass.multiplied(by: masks.lowpass0)
            + Fourier.spatialBackward(dCoefficients.highpass.complex).multiplied(by: masks.highpass0)
        return Fourier.centredSpectrumBackward(dSpectrum)
    }

    /// Backward of `reconstruct(_:levels:)`: the gradients of the coefficients it read, from the
    /// gradient of its (H, W) output (zero planes for the levels it did not read).
    public func reconstructBackward(_ dImage: RealPlane, levels: Levels) -> PyramidCoefficients {
        let synthesis = orderConstant(analysis: false)
        let constant = (re: synthesis.re, im: -synthesis.im)  // conj(i^{K−1})
        let dOutput = Fourier.spatialBackward(dImage.complex)
        let highpass =
            levels.highpass
            ? Fourier.centredSpectrumBackward(dOutput.multiplied(by: masks.highpass0)) : RealPlane(zeros: height, width)
        var dSpectrum = dOutput.multiplied(by: masks.lowpass0)
        var bands: [[ComplexPlane]] = []
        for s in 0..<scales {
            let level = masks.levels[s]
            bands.append(
                level.synthesis.map { angular in
                    guard levels.bandScales.contains(s) else { return ComplexPlane(zeros: level.height, level.width) }
                    let mask = zip(angular, level.highpass).map { $0 * $1 }
                    return Fourier.complexSpectrumBackward(dSpectrum.multiplied(by: mask).multiplied(by: constant))
                })
            dSpectrum = dSpectrum.cropped(rows: level.lowpassRows, columns: level.lowpassColumns).multiplied(
                by: level.lowpass)
        }
        let lowpass =
            levels.lowpass
            ? Fourier.centredSpectrumBackward(dSpectrum) : RealPlane(zeros: dSpectrum.height, dSpectrum.width)
        return PyramidCoefficients(highpass: highpass, bands: bands, lowpass: lowpass)
    }
}
