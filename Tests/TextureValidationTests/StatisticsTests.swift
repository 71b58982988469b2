// StatisticsTests: each validator statistic on hand-computable images.

import Foundation
import Testing
import TextureCore
import TextureValidation

@Suite struct StatisticsTests {
    @Test func constantImage() {
        let stats = PixelStatistics.luminance([Double](repeating: 0.4, count: 64))
        #expect(abs(stats.mean - 0.4) < 1e-12 && stats.standardDeviation < 1e-12 && stats.rmsContrast < 1e-9 && stats.michelsonContrast == 0)
        let clipping = PixelStatistics.clipping(Tensor(Shape(1, 8, 8), data: [Float](repeating: 1, count: 64)))
        #expect(clipping.atMinimum == 0 && clipping.atMaximum == 1)
    }

    @Test func twoLevelImage() {
        // Half 0.25, half 0.75: mean 0.5, SD 0.25, RMS contrast 0.5, Michelson (0.75−0.25)/(0.75+0.25) = 0.5.
        let values = [Double](repeating: 0.25, count: 32) + [Double](repeating: 0.75, count: 32)
        let stats = PixelStatistics.luminance(values)
        #expect(abs(stats.mean - 0.5) < 1e-12 && abs(stats.standardDeviation - 0.25) < 1e-12)
        #expect(abs(stats.rmsContrast - 0.5) < 1e-12 && abs(stats.michelsonContrast - 0.5) < 1e-12)
        let lumaOfRed = PixelStatistics.luma(Tensor(Shape(3, 1, 1), data: [1, 0, 0]))
        #expect(lumaOfRed == [0.2126])
    }

    @Test func gratingContrastAndSpectrumPeak() {
        // Luminance 0.5 + 0.2 sin(2π · 8x / 64): SD = 0.2/√2, Michelson = 0.4, spectrum peaks at 8 cycles.
        let side = 64
        let plane = (0..<(side * side)).map { 0.5 + 0.2 * sin(2 * Double.pi * 8 * Double($0 % side) / Double(side)) }
        let stats = PixelStatistics.luminance(plane)
        #expect(abs(stats.standardDeviation - 0.2 / 2.0.squareRoot()) < 1e-9)
        #expect(abs(stats.michelsonContrast - 0.4) < 1e-9)
        let spectrum = AmplitudeSpectrum(luma: plane, height: side, width: side)
        #expect(spectrum.amplitudes.firstIndex(of: spectrum.amplitudes.max()!)! + 1 == 8)
    }

    @Test(arguments: [1.0, 1.5])
    func oneOverFNoiseHasItsSlope(exponent: Double) {
        // Random-phase noise with amplitude f^−α, built in the frequency domain and transformed back.
        let side = 64
        var sampler = NormalSampler(seed: 4)
        var re = [Double](repeating: 0, count: side * side), im = [Double](repeating: 0, count: side * side)
        for v in 0..<side {
            for u in 0..<side {
                let fu = Double(u <= side / 2 ? u : u - side), fv = Double(v <= side / 2 ? v : v - side)
                let f = (fu * fu + fv * fv).squareRoot()
                guard f > 0 else { continue }
                let phase = 2 * Double.pi * (sampler.next() * 0.3).truncatingRemainder(dividingBy: 1)
                re[v * side + u] = pow(f, -exponent) * cos(phase)
                im[v * side + u] = pow(f, -exponent) * sin(phase)
            }
        }
        for y in 0..<side { AmplitudeSpectrum.transform(&re, &im, start: y * side, stride: 1, count: side) }
        for x in 0..<side { AmplitudeSpectrum.transform(&re, &im, start: x, stride: side, count: side) }
        // The forward transform of a random-phase spectrum is again random-phase with |F(−f)| = |F(f)|,
        // so its amplitude spectrum keeps the same power law.
        let spectrum = AmplitudeSpectrum(luma: re, height: side, width: side)
        #expect(abs(spectrum.slope + exponent) < 0.15, "slope \(spectrum.slope)")
        #expect(spectrum.distance(to: spectrum) == 0)
    }

    /// The same white noise at 64² and 128² has the same spectrum at equal cycles per pixel; with
    /// amplitudes divided by H·W instead of √(H·W) the distance was log10(2) = 0.30 (ring averages of
    /// noise scatter: 0.05 here).
    @Test func spectraOfTwoSizesCompareAtEqualFrequency() {
        var sampler = NormalSampler(seed: 12)
        let small = (0..<(64 * 64)).map { _ in sampler.next() }, large = (0..<(128 * 128)).map { _ in sampler.next() }
        let a = AmplitudeSpectrum(luma: small, height: 64, width: 64)
        let b = AmplitudeSpectrum(luma: large, height: 128, width: 128)
        #expect(a.distance(to: b) < 0.1, "\(a.distance(to: b))")
        #expect(b.distance(to: a) < 0.1, "\(b.distance(to: a))")
    }

    @Test func earthMoversDistanceByHand() {
        var a = [Double](repeating: 0, count: 256), b = a
        a[0] = 1
        b[255] = 1
        #expect(abs(PixelStatistics.earthMoversDistance(a, b) - 255.0 / 256) < 1e-12)
        #expect(PixelStatistics.earthMoversDistance(a, a) == 0)
    }

    @Test func copiedPatchCorrelatesFully() {
        var sampler = NormalSampler(seed: 9)
        let source = (0..<(64 * 64)).map { _ in sampler.next() }
        var stimulus = (0..<(64 * 64)).map { _ in sampler.next() }
        #expect(PatchCorrelation.maxCopyCorrelation(stimulus: stimulus, height: 64, width: 64, source: source, sourceHeight: 64, sourceWidth: 64) < 0.5)
        for y in 0..<48 { for x in 0..<48 { stimulus[(y + 10) * 64 + x + 12] = source[(y + 7) * 64 + x + 3] } }
        #expect(PatchCorrelation.maxCopyCorrelation(stimulus: stimulus, height: 64, width: 64, source: source, sourceHeight: 64, sourceWidth: 64) > 0.999)
        #expect(abs(PatchCorrelation.imageCorrelation(source, source) - 1) < 1e-12)
    }
}
