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

    /// Backward of `images`: from the gradients of the S + 1 images (fine to coarse), the
    /// gradients of the band coefficients and of the (mean-subtracted) low-pass residual. Each
    /// shrink ×f² goes back through `shrinkBackward` ×f²; image s sums the low-pass and bands
    /// s … S−1 reconstructions, so band scale s receives the gradients of images 0 … s, the
    /// low-pass those of all; then each reconstruction goes back through `reconstructBackward`.
    static func imagesBackward(
        _ dImages: [RealPlane], pyramid: SteerablePyramid
    ) -> (dBands: [[ComplexPlane]], dLowpass: RealPlane) {
        let scales = pyramid.scales
        // dFull[s]: gradient of the full-size image of scale s.
        let dFull = (0...scales).map { s -> RealPlane in
            guard s > 0 else { return dImages[0] }
            let factor = 1 << s
            return FourierResampling.shrinkBackward(
                dImages[s], height: pyramid.height, width: pyramid.width, factor: factor
            )
            .scaled(by: Double(factor * factor))
        }
        var dBands: [[ComplexPlane]] = []
        var accumulated = RealPlane(zeros: pyramid.height, pyramid.width)
        for s in 0..<scales {
            accumulated = accumulated + dFull[s]
            dBands.append(pyramid.reconstructBackward(accumulated, levels: .init(bandScales: [s])).bands[s])
        }
        accumulated = accumulated + dFull[scales]
        return (dBands, pyramid.reconstructBackward(accumulated, levels: .init(lowpass: true)).lowpass)
    }
}
