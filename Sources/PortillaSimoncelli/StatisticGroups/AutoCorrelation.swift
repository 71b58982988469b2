// AutoCorrelation: the central W × W lags of a plane's circular auto-correlation, normalised by the zero lag.

enum AutoCorrelation {
    /// For an (h, w) plane x: c(u, v) = (1 / (h w)) Σ_{y, x} x(y, x) x(y + u, x + v) (circular),
    /// computed as Re ifft2(|fft2(x)|²) / (h w), arranged with lag 0 at (h/2, w/2) (fftshift),
    /// and its central W × W window, rows h/2 − ⌊W/2⌋ ..< h/2 + ⌈W/2⌉ (likewise columns).
    /// Returns the window divided by the zero lag c(0, 0) (row-major, W · W values) and c(0, 0)
    /// itself (Σ x² / (h w): the variance when x has mean 0). Needs W ≤ min(h, w).
    static func centralLags(_ plane: RealPlane, width: Int) -> (normalised: [Double], zeroLag: Double) {
        precondition(width <= plane.height && width <= plane.width, "auto-correlation window \(width) on \(plane.height)×\(plane.width)")
        var power = Fourier.fft2(plane.complex)
        for i in 0..<power.count {
            let (re, im) = (power.interleaved[2 * i], power.interleaved[2 * i + 1])
            (power.interleaved[2 * i], power.interleaved[2 * i + 1]) = (re * re + im * im, 0)
        }
        let lags = Fourier.fftshift(Fourier.ifft2(power)).real
        let scale = 1 / Double(plane.count)
        let (h, w) = (plane.height, plane.width)
        let zeroLag = lags.values[(h / 2) * w + w / 2] * scale
        var window: [Double] = []
        window.reserveCapacity(width * width)
        for y in (h / 2 - width / 2)..<(h / 2 + (width + 1) / 2) {
            for x in (w / 2 - width / 2)..<(w / 2 + (width + 1) / 2) { window.append(lags.values[y * w + x] * scale / zeroLag) }
        }
        return (window, zeroLag)
    }
}
