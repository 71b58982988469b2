// ReconstructedLowpass: the image rebuilt from the low-pass residual and the coarser bands, at each scale's resolution.

enum ReconstructedLowpass {
    /// S + 1 images, fine to coarse: image s (s = 0 … S−1) is the reconstruction from the
    /// (mean-subtracted) low-pass residual and the bands of scales s … S−1, at (H / 2^s, W / 2^s);
    /// image S is the low-pass residual's own reconstruction at (H / 2^S, W / 2^S).
    ///
    /// As plenoptic: each is reconstructed at full size (`SteerablePyramid.reconstruct`), then
    /// brought to its scale's size with `FourierResampling.shrink` by f = 2^s and multiplied by
    /// f² (which undoes shrink's 1 / f², keeping the amplitude of the full-size image).
    /// `coefficients.lowpass` must already have its mean removed.
    static func images(_ coefficients: PyramidCoefficients, pyramid: SteerablePyramid) -> [RealPlane] {
        let scales = pyramid.scales
        var fullSize = [pyramid.reconstruct(coefficients, levels: .init(lowpass: true))]
        for s in stride(from: scales - 1, through: 0, by: -1) {
            let band = pyramid.reconstruct(coefficients, levels: .init(bandScales: [s]))
            fullSize.append(band + fullSize[fullSize.count - 1])
        }
        // fullSize[i] holds the low-pass and the bands of scales S−i … S−1; it belongs at scale S − i.
        return (0...scales).map { s in
            let image = fullSize[scales - s]
            guard s > 0 else { return image }
            let factor = 1 << s
            let small = FourierResampling.shrink(image, factor: factor)
            let gain = Double(factor * factor)
            return RealPlane(height: small.height, width: small.width, values: small.values.map { $0 * gain })
        }
    }
}
