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
            (upsampled.interleaved[2 * i], upsampled.interleaved[2 * i + 1]) = (magnitude * cos(2 * angle), magnitude * sin(2 * angle))
        }
        return upsampled
    }
}
