// AutoCorrelation: the central W × W lags of a plane's circular auto-correlation, normalised by the zero lag.

enum AutoCorrelation {
    /// For an (h, w) plane x: c(u, v) = (1 / (h w)) Σ_{y, x} x(y, x) x(y + u, x + v) (circular),
    /// computed as Re ifft2(|fft2(x)|²) / (h w), arranged with lag 0 at (h/2, w/2) (fftshift),
    /// and its central W × W window, rows h/2 − ⌊W/2⌋ ..< h/2 + ⌈W/2⌉ (likewise columns).
    /// Returns the window divided by the zero lag c(0, 0) (row-major, W · W values) and c(0, 0)
    /// itself (Σ x² / (h w): the variance when x has mean 0). Needs W ≤ min(h, w).
    static func centralLags(_ plane: RealPlane, width: Int) -> (normalised: [Double], zeroLag: Double) {
        precondition(
            width <= plane.height && width <= plane.width,
            "auto-correlation window \(width) on \(plane.height)×\(plane.width)")
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
            for x in (w / 2 - width / 2)..<(w / 2 + (width + 1) / 2) {
                window.append(lags.values[y * w + x] * scale / zeroLag)
            }
        }
        return (window, zeroLag)
    }

    /// Backward of `centralLags`: ∂L/∂x from the gradients of the normalised window (W · W
    /// values, row-major) and of the zero lag. With c(u) the raw lags, n(u) = c(u) / c(0):
    /// ∂L/∂c(u) = G_n(u) / c(0), plus at u = 0 the zero lag's own gradient and
    /// −Σ_u G_n(u) n(u) / c(0); and ∂c(u)/∂x(q) = (x(q + u) + x(q − u)) / (h w) (circular).
    /// Written as direct sums over the W² lags (O(W² h w), no FFT needed).
    static func centralLagsBackward(
        dNormalised: [Double], dZeroLag: Double, _ plane: RealPlane,
        normalised: [Double], zeroLag: Double, width: Int
    ) -> RealPlane {
        let (h, w) = (plane.height, plane.width)
        let n = Double(plane.count)
        var dLags = dNormalised.map { $0 / zeroLag }
        let centre = (width / 2) * width + width / 2
        dLags[centre] += dZeroLag - zip(dNormalised, normalised).reduce(0) { $0 + $1.0 * $1.1 } / zeroLag
        var out = [Double](repeating: 0, count: plane.count)
        plane.values.withUnsafeBufferPointer { x in
            for i in 0..<width {
                for j in 0..<width {
                    let g = dLags[i * width + j] / n
                    guard g != 0 else { continue }
                    // Window (i, j) holds lag (u, v) = (i − ⌊W/2⌋, j − ⌊W/2⌋) (fftshift's lag 0 at (h/2, w/2)).
                    let (u, v) = (i - width / 2, j - width / 2)
                    for y in 0..<h {
                        let forward = ((y + u) % h + h) % h, backward = ((y - u) % h + h) % h
                        for c in 0..<w {
                            out[y * w + c] +=
                                g * (x[forward * w + ((c + v) % w + w) % w] + x[backward * w + ((c - v) % w + w) % w])
                        }
                    }
                }
            }
        }
        return RealPlane(height: h, width: w, values: out)
    }

    /// The central lags by direct summation, c(u, v) = Σ x(y, x) x(y + u, x + v) / (h w): the
    /// naive reference for `centralLags` (same return values).
    static func centralLagsNaive(_ plane: RealPlane, width: Int) -> (normalised: [Double], zeroLag: Double) {
        let (h, w) = (plane.height, plane.width)
        func lag(_ u: Int, _ v: Int) -> Double {
            var sum = 0.0
            for y in 0..<h {
                for c in 0..<w {
                    sum += plane.values[y * w + c] * plane.values[((y + u) % h + h) % h * w + ((c + v) % w + w) % w]
                }
            }
            return sum / Double(h * w)
        }
        let zero = lag(0, 0)
        let window = (0..<width).flatMap { i in (0..<width).map { j in lag(i - width / 2, j - width / 2) / zero } }
        return (window, zero)
    }
}
