// AmplitudeSpectrum: the rotationally averaged Fourier amplitude spectrum of a luminance image.
//
// The image (mean removed) is transformed with a 2-D DFT (radix-2 FFT for power-of-two sides,
// direct DFT otherwise). Amplitudes |F(u, v)| are averaged over rings of integer radius
// r = round(√(u² + v²)) cycles per image, r = 1 … ⌊min(H, W)/2⌋ − 1, and divided by √(H·W): the
// amplitude of a stationary texture's DFT grows like √(H·W), so this makes spectra of different
// sizes comparable at equal cycles per pixel (dividing by H·W, as before 2026-11-30, put a
// 512² stimulus of a 256² source log10(2) = 0.3 below it in `spectrum_distance`). The slope is
// the least-squares slope of log A against log r (natural images: about −1 to −1.5).

import Foundation

public struct AmplitudeSpectrum: Codable, Sendable, Equatable {
    /// Ring radius r in cycles per image (index i ↔ r = i + 1), and the mean amplitude per ring.
    public var amplitudes: [Double]
    public var side: Int
    public var slope: Double

    public init(luma: [Double], height: Int, width: Int) {
        let mean = luma.reduce(0, +) / Double(max(luma.count, 1))
        var real = luma.map { $0 - mean }, imaginary = [Double](repeating: 0, count: luma.count)
        for y in 0..<height { Self.transform(&real, &imaginary, start: y * width, stride: 1, count: width) }
        for x in 0..<width { Self.transform(&real, &imaginary, start: x, stride: width, count: height) }
        let rings = min(height, width) / 2
        var sums = [Double](repeating: 0, count: rings), counts = [Double](repeating: 0, count: rings)
        for v in 0..<height {
            let fv = Double(v <= height / 2 ? v : v - height) * Double(rings * 2) / Double(height)
            for u in 0..<width {
                let fu = Double(u <= width / 2 ? u : u - width) * Double(rings * 2) / Double(width)
                let r = Int((fu * fu + fv * fv).squareRoot().rounded())
                guard r >= 1 && r < rings else { continue }
                let index = v * width + u
                sums[r] += (real[index] * real[index] + imaginary[index] * imaginary[index]).squareRoot()
                counts[r] += 1
            }
        }
        let scale = Double(max(luma.count, 1)).squareRoot()
        amplitudes = (1..<max(rings, 1)).map { counts[$0] > 0 ? sums[$0] / counts[$0] / scale : 0 }
        side = min(height, width)
        slope = Self.slope(amplitudes)
    }

    /// Least-squares slope of log A against log r over rings with positive amplitude.
    static func slope(_ amplitudes: [Double]) -> Double {
        let points = amplitudes.enumerated().filter { $0.element > 0 }.map {
            (log(Double($0.offset + 1)), log($0.element))
        }
        guard points.count >= 2 else { return 0 }
        let mx = points.map(\.0).reduce(0, +) / Double(points.count),
            my = points.map(\.1).reduce(0, +) / Double(points.count)
        let covariance = points.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let variance = points.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        return variance > 0 ? covariance / variance : 0
    }

    /// RMS difference of log10 amplitudes at equal spatial frequency (cycles per pixel), using
    /// the rings both spectra have.
    public func distance(to other: AmplitudeSpectrum) -> Double {
        var total = 0.0, count = 0.0
        for (index, amplitude) in amplitudes.enumerated() where amplitude > 0 {
            let frequency = Double(index + 1) / Double(side)
            let position = frequency * Double(other.side) - 1
            let lower = Int(position)
            guard position >= 0, lower + 1 < other.amplitudes.count else { continue }
            let t = position - Double(lower)
            let reference = other.amplitudes[lower] * (1 - t) + other.amplitudes[lower + 1] * t
            guard reference > 0 else { continue }
            total += pow(log10(amplitude) - log10(reference), 2)
            count += 1
        }
        return count > 0 ? (total / count).squareRoot() : 0
    }

    /// In-place DFT of one line (elements start, start + stride, …): radix-2 when count is a
    /// power of two, the direct sum otherwise.
    public static func transform(
        _ real: inout [Double], _ imaginary: inout [Double], start: Int, stride: Int, count: Int
    ) {
        var re = (0..<count).map { real[start + $0 * stride] }, im = (0..<count).map { imaginary[start + $0 * stride] }
        if count & (count - 1) == 0 { fft(&re, &im) } else { (re, im) = dft(re, im) }
        for i in 0..<count {
            real[start + i * stride] = re[i]
            imaginary[start + i * stride] = im[i]
        }
    }

    static func fft(_ re: inout [Double], _ im: inout [Double]) {
        let n = re.count
        var j = 0
        for i in 1..<max(n, 1) {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { re.swapAt(i, j); im.swapAt(i, j) }
        }
        var length = 2
        while length <= n {
            let angle = -2 * Double.pi / Double(length)
            for block in stride(from: 0, to: n, by: length) {
                for k in 0..<(length / 2) {
                    let (c, s) = (cos(angle * Double(k)), sin(angle * Double(k)))
                    let (a, b) = (block + k, block + k + length / 2)
                    let tr = re[b] * c - im[b] * s, ti = re[b] * s + im[b] * c
                    (re[b], im[b]) = (re[a] - tr, im[a] - ti)
                    (re[a], im[a]) = (re[a] + tr, im[a] + ti)
                }
            }
            length <<= 1
        }
    }

    static func dft(_ re: [Double], _ im: [Double]) -> ([Double], [Double]) {
        let n = re.count
        var (outRe, outIm) = ([Double](repeating: 0, count: n), [Double](repeating: 0, count: n))
        for k in 0..<n {
            for t in 0..<n {
                let angle = -2 * Double.pi * Double(k * t % n) / Double(n)
                outRe[k] += re[t] * cos(angle) - im[t] * sin(angle)
                outIm[k] += re[t] * sin(angle) + im[t] * cos(angle)
            }
        }
        return (outRe, outIm)
    }
}
