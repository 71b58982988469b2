// GradientTests: the backward passes — adjoint (dot-product) tests of the linear maps, a naive
// reference for the auto-correlation, and central finite differences (double precision) of every
// statistic group and of the loss with respect to the pixels, on tiny images.

import Foundation
import Testing
@testable import PortillaSimoncelli

private func randomPlane(_ h: Int, _ w: Int, seed: UInt64) -> RealPlane {
    var g = SplitMix(seed: seed)
    return RealPlane(height: h, width: w, values: (0..<h * w).map { _ in g.unit() })
}

private func randomComplex(_ h: Int, _ w: Int, seed: UInt64) -> ComplexPlane {
    var g = SplitMix(seed: seed)
    return ComplexPlane(height: h, width: w, interleaved: (0..<2 * h * w).map { _ in g.unit() - 0.5 })
}

private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

/// |a − b| / max(|a|, |b|).
private func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(a), abs(b)) }

@Suite struct AdjointTests {
    /// ⟨decompose(x), c⟩ = ⟨x, decomposeBackward(c)⟩ for random x and coefficients c.
    @Test(arguments: [(16, 16, 2, 4), (32, 16, 2, 3), (32, 32, 3, 2)])
    func pyramidDecomposeAdjoint(h: Int, w: Int, scales: Int, orientations: Int) {
        let pyramid = SteerablePyramid(height: h, width: w, scales: scales, orientations: orientations)
        let x = randomPlane(h, w, seed: 1)
        let forward = pyramid.decompose(x)
        var seed: UInt64 = 10
        func next() -> UInt64 { seed += 1; return seed }
        let dC = PyramidCoefficients(highpass: randomPlane(h, w, seed: next()),
                                     bands: forward.bands.map { $0.map { randomComplex($0.height, $0.width, seed: next()) } },
                                     lowpass: randomPlane(forward.lowpass.height, forward.lowpass.width, seed: next()))
        let left = dot(forward.highpass.values, dC.highpass.values) + dot(forward.lowpass.values, dC.lowpass.values)
            + zip(forward.bands.joined(), dC.bands.joined()).reduce(0) { $0 + dot($1.0.interleaved, $1.1.interleaved) }
        let right = dot(x.values, pyramid.decomposeBackward(dC).values)
        #expect(relative(left, right) < 1e-12, "\(left) vs \(right)")
    }

    @Test func pyramidReconstructAdjoint() {
        let (h, w, scales) = (32, 32, 3)
        let pyramid = SteerablePyramid(height: h, width: w, scales: scales, orientations: 3)
        let c = pyramid.decompose(randomPlane(h, w, seed: 2))
        let coefficients = PyramidCoefficients(highpass: c.highpass, bands: c.bands.enumerated().map { s, bands in
            bands.enumerated().map { k, b in randomComplex(b.height, b.width, seed: UInt64(100 + 10 * s + k)) } }, lowpass: c.lowpass)
        let dImage = randomPlane(h, w, seed: 3)
        for levels in [SteerablePyramid.Levels.all(scales: scales), .init(bandScales: [1]), .init(lowpass: true)] {
            let left = dot(pyramid.reconstruct(coefficients, levels: levels).values, dImage.values)
            let back = pyramid.reconstructBackward(dImage, levels: levels)
            let right = dot(coefficients.highpass.values, back.highpass.values) + dot(coefficients.lowpass.values, back.lowpass.values)
                + zip(coefficients.bands.joined(), back.bands.joined()).reduce(0) { $0 + dot($1.0.interleaved, $1.1.interleaved) }
            #expect(relative(left, right) < 1e-12, "\(left) vs \(right)")
        }
    }

    @Test func shrinkAndExpandAdjoints() {
        for factor in [2, 4] {
            let x = randomPlane(32, 16, seed: 4), y = randomPlane(32 / factor, 16 / factor, seed: 5)
            let left = dot(FourierResampling.shrink(x, factor: factor).values, y.values)
            let right = dot(x.values, FourierResampling.shrinkBackward(y, height: 32, width: 16, factor: factor).values)
            #expect(relative(left, right) < 1e-12, "shrink ×\(factor): \(left) vs \(right)")
        }
        let z = randomComplex(8, 16, seed: 6), g = randomComplex(16, 32, seed: 7)
        let left = dot(FourierResampling.expand(z, factor: 2).interleaved, g.interleaved)
        let right = dot(z.interleaved, FourierResampling.expandBackward(g, factor: 2).interleaved)
        #expect(relative(left, right) < 1e-12, "expand: \(left) vs \(right)")
    }

    /// The FFT auto-correlation equals direct summation.
    @Test func autoCorrelationMatchesNaiveSums() {
        for (h, w, width) in [(8, 8, 5), (16, 8, 4), (6, 10, 3)] {
            let x = randomPlane(h, w, seed: 8).centred()
            let fast = AutoCorrelation.centralLags(x, width: width), naive = AutoCorrelation.centralLagsNaive(x, width: width)
            #expect(relative(fast.zeroLag, naive.zeroLag) < 1e-13)
            #expect(zip(fast.normalised, naive.normalised).allSatisfy { abs($0 - $1) < 1e-13 })
        }
    }
}

@Suite struct FiniteDifferenceTests {
    /// For each group g, L_g = Σ_{i kept} α_i s_{g,i}(x) with fixed random α; backward's ∂L_g/∂x
    /// against central differences (x_p ± 1e-5) at every pixel of 16², every 7th of 32² (debug
    /// builds are slow). Error: max_p |analytic − FD| / max_p |FD| over those pixels. Also the
    /// whole loss against a second image's statistics. Reached: ≤ 1.4e-7 (see docs/portilla-simoncelli.md).
    @Test(arguments: [(16, 16, 2, 4, 3), (32, 32, 2, 2, 5), (32, 32, 3, 3, 4)])
    func everyGroupAndTheLoss(h: Int, w: Int, scales: Int, orientations: Int, width: Int) throws {
        let model = try PortillaSimoncelliModel(height: h, width: w, scales: scales, orientations: orientations, correlationWidth: width)
        // A smooth-ish random image (random pixels plus a blob), so that no statistic sits at a kink.
        var image = randomPlane(h, w, seed: 21)
        for p in 0..<image.count {
            let (y, x) = (Double(p / w) / Double(h), Double(p % w) / Double(w))
            image.values[p] = 0.3 * image.values[p] + 0.5 * exp(-((y - 0.4) * (y - 0.4) + (x - 0.6) * (x - 0.6)) * 8)
        }
        let tape = model.record(image)
        var generator = SplitMix(seed: 31)
        let alphas = tape.groups.map { group -> [Double] in
            var a = [Double](repeating: 0, count: group.values.count)
            for i in group.kept { a[i] = generator.unit() - 0.5 }
            return a
        }
        let loss = PortillaSimoncelliLoss(model: model, source: randomPlane(h, w, seed: 41))
        let analytic = tape.groups.indices.map { g in
            model.backward(tape, dGroups: tape.groups.indices.map { $0 == g ? alphas[g] : [Double](repeating: 0, count: tape.groups[$0].values.count) })
        }
        let (_, lossGradient) = loss.lossAndGradient(image)
        let step = 1e-5
        var numeric = [[Double]](repeating: [Double](repeating: 0, count: image.count), count: tape.groups.count)
        var numericLoss = [Double](repeating: 0, count: image.count)
        let pixels = Array(stride(from: 0, to: image.count, by: h * w > 256 ? 7 : 1))
        for p in pixels {
            var plus = image, minus = image
            plus.values[p] += step
            minus.values[p] -= step
            let (up, down) = (model.statistics(of: plus), model.statistics(of: minus))
            for g in tape.groups.indices {
                numeric[g][p] = (dot(alphas[g], up[g].values) - dot(alphas[g], down[g].values)) / (2 * step)
            }
            numericLoss[p] = (loss.loss(plus).total - loss.loss(minus).total) / (2 * step)
        }
        func error(_ a: [Double], _ n: [Double]) -> Double {
            pixels.map { abs(a[$0] - n[$0]) }.max()! / max(pixels.map { abs(n[$0]) }.max()!, 1e-300)
        }
        for (g, group) in tape.groups.enumerated() {
            let e = error(analytic[g].values, numeric[g])
            print("FD \(h)×\(w) S\(scales) K\(orientations) W\(width) \(group.name): max relative error \(e)")
            #expect(e < 1e-6, "\(group.name)")
        }
        let e = error(lossGradient.values, numericLoss)
        print("FD \(h)×\(w) S\(scales) K\(orientations) W\(width) loss: max relative error \(e)")
        #expect(e < 1e-6)
    }
}
