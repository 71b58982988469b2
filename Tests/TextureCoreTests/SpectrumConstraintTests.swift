// SpectrumConstraintTests: FFTW against a naive DFT, the projection P(x), the term's gradient, plan reuse.

import Foundation
import Testing
import TextureCore

/// The full 2-D DFT of one (H, W) channel in Double, the algorithmic reference: (re, im), row-major.
func naiveDFT(_ values: [Double], height: Int, width: Int, inverse: Bool = false) -> [(Double, Double)] {
    var result = [(Double, Double)](repeating: (0, 0), count: height * width)
    let sign = inverse ? 1.0 : -1.0
    for k in 0..<height {
        for l in 0..<width {
            var re = 0.0, im = 0.0
            for y in 0..<height {
                for x in 0..<width {
                    let angle = sign * 2 * Double.pi * (Double(k * y) / Double(height) + Double(l * x) / Double(width))
                    re += values[y * width + x] * cos(angle)
                    im += values[y * width + x] * sin(angle)
                }
            }
            result[k * width + l] = (re, im)
        }
    }
    return result
}

/// P(x) by the definition, on full spectra in Double: U_c e^{iφ}, φ = arg Σ_c X_c conj(U_c), then the inverse DFT.
func naiveProjection(_ x: Tensor, source: Tensor, channels: Int) -> [Double] {
    let h = x.shape.height, w = x.shape.width, m = h * w
    let channel = { (t: Tensor, c: Int) in (0..<m).map { Double(t.data[c * m + $0]) } }
    let xs = (0..<channels).map { naiveDFT(channel(x, $0), height: h, width: w) }
    let us = (0..<channels).map { naiveDFT(channel(source, $0), height: h, width: w) }
    var result: [Double] = []
    for c in 0..<channels {
        var spectrum = [(Double, Double)](repeating: (0, 0), count: m)
        for k in 0..<m {
            var re = 0.0, im = 0.0
            for d in 0..<channels {
                re += xs[d][k].0 * us[d][k].0 + xs[d][k].1 * us[d][k].1
                im += xs[d][k].1 * us[d][k].0 - xs[d][k].0 * us[d][k].1
            }
            let magnitude = (re * re + im * im).squareRoot()
            let (cosine, sine) = magnitude > 0 ? (re / magnitude, im / magnitude) : (1.0, 0.0)
            spectrum[k] = (us[c][k].0 * cosine - us[c][k].1 * sine, us[c][k].0 * sine + us[c][k].1 * cosine)
        }
        // Inverse of a Hermitian spectrum: the real part of Σ Y e^{+iθ} / (H W).
        for y in 0..<h {
            for xx in 0..<w {
                var sum = 0.0
                for k in 0..<h {
                    for l in 0..<w {
                        let angle = 2 * Double.pi * (Double(k * y) / Double(h) + Double(l * xx) / Double(w))
                        sum += spectrum[k * w + l].0 * cos(angle) - spectrum[k * w + l].1 * sin(angle)
                    }
                }
                result.append(sum / Double(m))
            }
        }
    }
    return result
}

@Suite struct SpectrumConstraintTests {
    @Test(arguments: [(4, 6), (5, 7), (6, 5)])
    func fftwMatchesNaiveDFT(height: Int, width: Int) {
        let image = randomTensor(Shape(1, height, width), seed: 3)
        let fft = RealFFT2D.plan(height: height, width: width)
        let real = fft.makeRealBuffer(), spectrum = fft.makeSpectrumBuffer()
        for i in 0..<(height * width) { real.pointer[i] = image.data[i] }
        fft.forward(real, into: spectrum)
        let reference = naiveDFT(image.data.map(Double.init), height: height, width: width)
        var worst = 0.0
        for k in 0..<height {
            for l in 0..<fft.columns {
                let (re, im) = reference[k * width + l]
                worst = max(worst, abs(Double(spectrum.pointer[2 * (k * fft.columns + l)]) - re),
                            abs(Double(spectrum.pointer[2 * (k * fft.columns + l) + 1]) - im))
            }
        }
        #expect(worst < 1e-5, "max |FFTW − naive DFT| = \(worst)")
        fft.inverse(spectrum, into: real)
        let roundTrip = (0..<(height * width)).map { abs(Double(real.pointer[$0]) / Double(height * width) - Double(image.data[$0])) }.max()!
        #expect(roundTrip < 1e-5, "inverse(forward(x)) / HW differs from x by \(roundTrip)")
    }

    @Test(arguments: [(3, 5, 6), (1, 6, 5), (3, 4, 4), (1, 7, 7)])
    func projectionMatchesNaiveDFT(channels: Int, height: Int, width: Int) {
        let source = randomTensor(Shape(3, height, width), seed: 11, scale: 40, offset: -20)
        let x = randomTensor(Shape(3, height, width), seed: 12, scale: 30)
        let term = SpectrumConstraint(source: source, channels: channels, weight: 1)
        let projected = term.project(x)
        let reference = naiveProjection(x, source: source, channels: channels)
        let scale = reference.map(abs).max()!
        let worst = zip(projected.data, reference).map { abs(Double($0) - $1) }.max()!
        #expect(projected.shape == Shape(channels, height, width))
        #expect(worst / scale < 1e-5, "max |P(x) − naive| = \(worst) of \(scale)")
        // P(x) has the source's modulus, and P(P(x)) = P(x).
        let again = term.project(Tensor(Shape(channels, height, width), data: projected.data))
        #expect(zip(again.data, projected.data).map { abs($0 - $1) }.max()! / Float(scale) < 1e-5)
        // The source is its own projection: E_spec(u) = 0 up to rounding.
        #expect(term.evaluate(source) / (scale * scale) < 1e-8)
    }

    @Test(arguments: [3, 1])
    func gradientMatchesFiniteDifference(channels: Int) {
        let source = randomTensor(Shape(3, 6, 7), seed: 21, scale: 2)
        let x = randomTensor(Shape(3, 6, 7), seed: 22)
        let beta = 0.7
        let term = SpectrumConstraint(source: source, channels: channels, weight: beta)
        var gradient = Tensor(x.shape)
        let energy = gradient.data.withUnsafeMutableBufferPointer { term.evaluate(x, dInput: $0.baseAddress!) }
        #expect(energy > 1)
        if channels == 1 { #expect(gradient.data[(6 * 7)...].allSatisfy { $0 == 0 }, "grey: only the first channel") }
        // A random direction v: its derivative can be small by cancellation, so the error is
        // measured against ‖∇‖ ‖v‖ (Float FFTs round at ~1e-7 of the values)…
        let (analytic, numeric) = directionalCheck(at: x, gradient: gradient, epsilon: 3e-3) { beta * term.evaluate($0) }
        let direction = randomTensor(x.shape, seed: 99)
        let scale = gradient.dot(gradient).squareRoot() * direction.dot(direction).squareRoot()
        #expect(abs(analytic - numeric) / scale < 1e-4, "analytic \(analytic), numeric \(numeric), scale \(scale)")
        // …and along the gradient itself, where the derivative ‖∇‖² is large: relative error.
        var plus = x, minus = x
        let epsilon: Float = 1e-3 / Float(gradient.dot(gradient).squareRoot())
        for i in x.data.indices { plus.data[i] += epsilon * gradient.data[i]; minus.data[i] -= epsilon * gradient.data[i] }
        let along = (beta * term.evaluate(plus) - beta * term.evaluate(minus)) / (2 * Double(epsilon))
        #expect(relativeError(gradient.dot(gradient), along) < 1e-3, "‖∇‖² \(gradient.dot(gradient)), numeric \(along)")
        // The gradient is β (x − P(x)).
        let projected = term.project(x)
        for i in 0..<(channels * 42) { #expect(abs(gradient.data[i] - Float(beta) * (x.data[i] - projected.data[i])) < 1e-5) }
    }

    @Test func planReuseAcrossThreadsGivesTheSameBits() {
        let side = 48
        let source = randomTensor(Shape(3, side, side), seed: 31, scale: 50)
        let inputs = (0..<8).map { randomTensor(Shape(3, side, side), seed: 40 + UInt64($0), scale: 50) }
        @Sendable func run(_ x: Tensor) -> (Double, [Float]) {
            let term = SpectrumConstraint(source: source, channels: 3, weight: 2)
            var gradient = Tensor(x.shape)
            let energy = gradient.data.withUnsafeMutableBufferPointer { term.evaluate(x, dInput: $0.baseAddress!) }
            return (energy, gradient.data)
        }
        let serial = inputs.map(run)
        let mismatches = Counter()
        // 32 evaluations on 8 inputs, each thread with its own buffers and the one shared plan.
        DispatchQueue.concurrentPerform(iterations: inputs.count * 4) { index in
            let (energy, gradient) = run(inputs[index % inputs.count])
            let expected = serial[index % inputs.count]
            if energy.bitPattern != expected.0.bitPattern || gradient.map(\.bitPattern) != expected.1.map(\.bitPattern) { mismatches.add() }
        }
        #expect(mismatches.value == 0, "\(mismatches.value) of 32 threaded evaluations differ in their bits")
        // Counted for this size only: other suites plan other sizes in parallel (CI once failed on a global count).
        #expect(RealFFT2D.timesPlanned(height: side, width: side) == 1, "the threads made no new plans")
        #expect(RealFFT2D.plan(height: side, width: side) === RealFFT2D.plan(height: side, width: side))
    }
}

/// A count that concurrent threads increment.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
