// FourierResampling: shrink and expand a plane by an integer factor in the Fourier domain (plenoptic's signal.shrink / expand).

import Foundation

/// Band-limited down- and up-sampling, as plenoptic 2.1.1's `signal.shrink` and `signal.expand`.
/// Both work on the centred spectrum F = fftshift(fft2(x)) of an (H, W) plane; the row and column
/// where the small spectrum's Nyquist frequency sits are averaged (shrink) or split in halves
/// (expand), so that the result is real when x is real (for shrink) and the energy is kept.
enum FourierResampling {
    /// Where a side of `small` sits in the centred spectrum of a side of `large` (plenoptic's
    /// indices): start = ⌈large/2 + 1 − small/2⌉, end = ⌈large/2 + small/2⌉; rows (columns)
    /// start..<end take the small spectrum's 1…, and start − 1 and end its Nyquist row (column).
    static func window(large: Int, small: Int) -> (start: Int, end: Int) {
        (Int((Double(large) / 2 + 1 - Double(small) / 2).rounded(.up)),
         Int((Double(large) / 2 + Double(small) / 2).rounded(.up)))
    }

    /// The (H / f, W / f) plane whose centred spectrum is the centre of x's, times 1 / f²:
    /// small[1:, 1:] = F[y1..<y2, x1..<x2] / f², with y1 = ⌈H/2 + 1 − h/2⌉, y2 = ⌈H/2 + h/2⌉
    /// (h = H / f; likewise for x); row 0 and column 0 of the small spectrum are the averages of
    /// the two rows (columns) just outside that window, and (0, 0) the average of its 4 corners.
    /// Returns the real part of the inverse transform (x is real here).
    static func shrink(_ x: RealPlane, factor: Int) -> RealPlane {
        precondition(
            factor > 1 && x.height % factor == 0 && x.width % factor == 0, "shrink \(x.height)×\(x.width) by \(factor)")
        let f = Fourier.centredSpectrum(x).scaled(by: 1 / Double(factor * factor))
        let (h, w) = (x.height / factor, x.width / factor)
        let (y1, y2) = window(large: x.height, small: h), (x1, x2) = window(large: x.width, small: w)
        var small = ComplexPlane(zeros: h, w)
        for y in 1..<h {
            for c in 1..<w { small[y, c] = f[y1 + y - 1, x1 + c - 1] }
        }
        for c in 1..<w { small[0, c] = average([f[y1 - 1, x1 + c - 1], f[y2, x1 + c - 1]]) }
        for y in 1..<h { small[y, 0] = average([f[y1 + y - 1, x1 - 1], f[y1 + y - 1, x2]]) }
        small[0, 0] = average([f[y1 - 1, x1 - 1], f[y1 - 1, x2], f[y2, x1 - 1], f[y2, x2]])
        return Fourier.spatial(small).real
    }

    /// The (f H, f W) complex plane whose centred spectrum is x's, times f², padded with zeros:
    /// large[y1..<y2, x1..<x2] = F[1:, 1:] · f² with y1 = ⌈f H/2 + 1 − H/2⌉, y2 = ⌈f H/2 + H/2⌉;
    /// F's row 0 is split in halves between rows y1 − 1 and y2 (the copy at y2 reversed along the
    /// row, as plenoptic does), likewise column 0, and F(0, 0) / 4 goes to the four corners.
    static func expand(_ x: ComplexPlane, factor: Int) -> ComplexPlane {
        precondition(factor > 1)
        let f = Fourier.fftshift(Fourier.fft2(x)).scaled(by: Double(factor * factor))
        let (h, w) = (x.height, x.width), (bigH, bigW) = (x.height * factor, x.width * factor)
        let (y1, y2) = window(large: bigH, small: h), (x1, x2) = window(large: bigW, small: w)
        var large = ComplexPlane(zeros: bigH, bigW)
        for y in 1..<h {
            for c in 1..<w { large[y1 + y - 1, x1 + c - 1] = f[y, c] }
        }
        for c in 1..<w {
            large[y1 - 1, x1 + c - 1] = half(f[0, c])
            large[y2, x1 + c - 1] = half(f[0, w - c])
        }
        for y in 1..<h {
            large[y1 + y - 1, x1 - 1] = half(f[y, 0])
            large[y1 + y - 1, x2] = half(f[h - y, 0])
        }
        let corner = (re: f[0, 0].re / 4, im: f[0, 0].im / 4)
        for (y, c) in [(y1 - 1, x1 - 1), (y1 - 1, x2), (y2, x1 - 1), (y2, x2)] { large[y, c] = corner }
        return Fourier.spatial(large)
    }

    // MARK: - Backward (adjoints; both maps are linear)

    /// Backward of `shrink`: the gradient of the (H / f, W / f) output, G, spread back over the
    /// (H, W) spectrum — each copied entry receives its own, each average distributes its
    /// gradient over the entries it averaged (1/2 or 1/4 each) — then through the 1 / f² and
    /// the centred spectrum of the (real) input.
    static func shrinkBackward(_ dOut: RealPlane, height: Int, width: Int, factor: Int) -> RealPlane {
        let dSmall = Fourier.spatialBackward(dOut.complex)
        let (h, w) = (dOut.height, dOut.width)
        precondition(h * factor == height && w * factor == width)
        let (y1, y2) = window(large: height, small: h), (x1, x2) = window(large: width, small: w)
        var dF = ComplexPlane(zeros: height, width)
        func add(_ y: Int, _ x: Int, _ g: (re: Double, im: Double), _ weight: Double) {
            dF.accumulate(y, x, g, weight: weight)
        }
        for y in 1..<h {
            for c in 1..<w { add(y1 + y - 1, x1 + c - 1, dSmall[y, c], 1) }
        }
        for c in 1..<w {
            add(y1 - 1, x1 + c - 1, dSmall[0, c], 0.5)
            add(y2, x1 + c - 1, dSmall[0, c], 0.5)
        }
        for y in 1..<h {
            add(y1 + y - 1, x1 - 1, dSmall[y, 0], 0.5)
            add(y1 + y - 1, x2, dSmall[y, 0], 0.5)
        }
        for (y, c) in [(y1 - 1, x1 - 1), (y1 - 1, x2), (y2, x1 - 1), (y2, x2)] { add(y, c, dSmall[0, 0], 0.25) }
        return Fourier.centredSpectrumBackward(dF.scaled(by: 1 / Double(factor * factor)))
    }

    /// Backward of `expand`: the gradient of the (f H, f W) output gathered back from where each
    /// spectrum entry was written (halves and quarters as in the forward pass, the reversed
    /// copies read back reversed), then through the f² and the centred spectrum of the (complex) input.
    static func expandBackward(_ dOut: ComplexPlane, factor: Int) -> ComplexPlane {
        let dLarge = Fourier.spatialBackward(dOut)
        let (bigH, bigW) = (dOut.height, dOut.width), (h, w) = (dOut.height / factor, dOut.width / factor)
        let (y1, y2) = window(large: bigH, small: h), (x1, x2) = window(large: bigW, small: w)
        var dF = ComplexPlane(zeros: h, w)
        func add(_ y: Int, _ x: Int, _ g: (re: Double, im: Double), _ weight: Double) {
            dF.accumulate(y, x, g, weight: weight)
        }
        for y in 1..<h {
            for c in 1..<w { add(y, c, dLarge[y1 + y - 1, x1 + c - 1], 1) }
        }
        for c in 1..<w {
            add(0, c, dLarge[y1 - 1, x1 + c - 1], 0.5)
            add(0, w - c, dLarge[y2, x1 + c - 1], 0.5)
        }
        for y in 1..<h {
            add(y, 0, dLarge[y1 + y - 1, x1 - 1], 0.5)
            add(h - y, 0, dLarge[y1 + y - 1, x2], 0.5)
        }
        for (y, c) in [(y1 - 1, x1 - 1), (y1 - 1, x2), (y2, x1 - 1), (y2, x2)] { add(0, 0, dLarge[y, c], 0.25) }
        return Fourier.complexSpectrumBackward(dF.scaled(by: Double(factor * factor)))
    }

    private static func average(_ values: [(re: Double, im: Double)]) -> (re: Double, im: Double) {
        let n = Double(values.count)
        return (values.reduce(0) { $0 + $1.re } / n, values.reduce(0) { $0 + $1.im } / n)
    }

    private static func half(_ z: (re: Double, im: Double)) -> (re: Double, im: Double) { (z.re / 2, z.im / 2) }
}

extension ComplexPlane {
    /// self[y, x] += weight · g (a gradient spread back over the entries a forward pass read).
    fileprivate mutating func accumulate(_ y: Int, _ x: Int, _ g: (re: Double, im: Double), weight: Double) {
        let old = self[y, x]
        self[y, x] = (old.re + weight * g.re, old.im + weight * g.im)
    }
}
