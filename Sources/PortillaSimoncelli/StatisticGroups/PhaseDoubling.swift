// PhaseDoubling: a band upsampled to the next finer scale with its phase doubled, for the cross-scale statistics.

import Foundation

enum PhaseDoubling {
    /// For a complex band z of (h, w): u = expand(z, 2) / 4 (band-limited upsampling to (2h, 2w)),
    /// then the phase doubled at unchanged magnitude, u' = |u| e^{2 i arg u}, so that its phase
    /// can be compared with the finer scale's (Portilla & Simoncelli 2000, §3.1).
    static func doubled(_ band: ComplexPlane) -> ComplexPlane {
        var upsampled = FourierResampling.expand(band, factor: 2).scaled(by: 0.25)
        for i in 0..<upsampled.count {
            let (re, im) = (upsampled.interleaved[2 * i], upsampled.interleaved[2 * i + 1])
            let magnitude = hypot(re, im), angle = atan2(im, re)
            (upsampled.interleaved[2 * i], upsampled.interleaved[2 * i + 1]) = (
                magnitude * cos(2 * angle), magnitude * sin(2 * angle)
            )
        }
        return upsampled
    }

    /// Backward of `doubled`. With u = r e^{iθ} and d = r e^{2iθ}: writing w = G_d · e^{−2iθ},
    /// the gradient at u is G_u = (Re w + 2 i Im w) e^{iθ} (the radial part passes unchanged,
    /// the angular part is doubled); then back through expand / 4. d is not differentiable at
    /// u = 0 (its phase is undefined there); the gradient is taken as 0 at such pixels.
    static func doubledBackward(_ dDoubled: ComplexPlane, _ band: ComplexPlane) -> ComplexPlane {
        let upsampled = FourierResampling.expand(band, factor: 2).scaled(by: 0.25)
        var dUpsampled = ComplexPlane(zeros: upsampled.height, upsampled.width)
        for i in 0..<upsampled.count {
            let (re, im) = (upsampled.interleaved[2 * i], upsampled.interleaved[2 * i + 1])
            let r = hypot(re, im)
            guard r > 0 else { continue }
            let (cosine, sine) = (re / r, im / r)
            let (cos2, sin2) = (cosine * cosine - sine * sine, 2 * cosine * sine)
            let (g1, g2) = (dDoubled.interleaved[2 * i], dDoubled.interleaved[2 * i + 1])
            let radial = g1 * cos2 + g2 * sin2, angular = 2 * (g2 * cos2 - g1 * sin2)
            dUpsampled.interleaved[2 * i] = radial * cosine - angular * sine
            dUpsampled.interleaved[2 * i + 1] = radial * sine + angular * cosine
        }
        return FourierResampling.expandBackward(dUpsampled.scaled(by: 0.25), factor: 2)
    }
}
