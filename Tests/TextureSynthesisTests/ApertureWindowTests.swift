// ApertureWindowTests: the window's known values (1 inside, 0 outside, ½ mid-ramp, symmetric),
// the blend towards the background, and equalisation measured on the plateau.

import Foundation
import Testing
import TextureCore
import TextureSynthesis

@Suite struct ApertureWindowTests {
    @Test func profileKnownValues() {
        #expect(ApertureWindow.profile(8, ramp: 8) == 1 && ApertureWindow.profile(20, ramp: 8) == 1)
        #expect(ApertureWindow.profile(0, ramp: 8) == 0 && ApertureWindow.profile(-3, ramp: 8) == 0)
        #expect(abs(ApertureWindow.profile(4, ramp: 8) - 0.5) < 1e-15)
        #expect(abs(ApertureWindow.profile(2, ramp: 8) - (0.5 - 0.5 * 2.0.squareRoot() / 2)) < 1e-15)
        for t in stride(from: 0.0, through: 4, by: 0.25) {
            #expect(abs(ApertureWindow.profile(4 + t, ramp: 8) + ApertureWindow.profile(4 - t, ramp: 8) - 1) < 1e-15)
        }
        // A hard edge: the edge itself is inside.
        #expect(ApertureWindow.profile(0, ramp: 0) == 1 && ApertureWindow.profile(-0.1, ramp: 0) == 0)
    }

    /// A 64-wide rectangle (the whole image) with a 7 px ramp: pixel x has its centre e = x + ½ px
    /// inside the left edge, so x = 3 is mid-ramp (½), x ≥ 7 full, and the right edge mirrors it.
    @Test func rectangleWeightsAlongARow() {
        let window = ApertureWindow(shape: .rectangle, ramp: 7)
        let weights = window.weights(height: 64, width: 64)
        let row = Array(weights[(32 * 64)..<(33 * 64)])
        #expect(abs(row[3] - 0.5) < 1e-12 && abs(row[60] - 0.5) < 1e-12)
        #expect(row[7...56].allSatisfy { $0 == 1 } && row[6] < 1 && row[57] < 1)
        for x in 0..<32 { #expect(row[x] == row[63 - x]) }
        #expect(abs(row[2] + row[4] - 1) < 1e-12)
        #expect(weights[0] > 0 && weights[0] < row[0])  // a corner: the product of two ramps
    }

    @Test func circleWeightsInsideOutsideAndSymmetric() {
        let window = ApertureWindow(shape: .circle, radius: 24, ramp: 6)
        let (h, w) = (64, 64)
        let weights = window.weights(height: h, width: w)
        for y in 0..<h {
            for x in 0..<w {
                let d = ((Double(x) + 0.5 - 32) * (Double(x) + 0.5 - 32) + (Double(y) + 0.5 - 32) * (Double(y) + 0.5 - 32))
                    .squareRoot()
                let value = weights[y * w + x]
                if d <= 18 { #expect(value == 1) }
                if d >= 24 { #expect(value == 0) }
                if d > 18 && d < 24 { #expect(value > 0 && value < 1) }
                #expect(value == weights[(h - 1 - y) * w + x] && value == weights[y * w + (w - 1 - x)])
                #expect(value == weights[x * w + y])
            }
        }
        // Half the side by default: the disc touches the edges of a square image.
        let full = ApertureWindow(shape: .circle, ramp: 4)
        #expect(full.extent(height: 64, width: 48).width == 48)
        #expect(full.problem(height: 64, width: 64) == nil)
    }

    @Test func problemsNameTheRule() {
        #expect(ApertureWindow(shape: .circle, radius: 40, ramp: 4).problem(height: 64, width: 64)?
            .hasPrefix("radius 40.0 px does not fit in the 64×64 px stimulus") == true)
        #expect(ApertureWindow(shape: .circle, radius: 20, ramp: 20).problem(height: 64, width: 64)?
            .hasPrefix("ramp 20.0 px is not smaller than the radius") == true)
        #expect(ApertureWindow(shape: .rectangle, width: 70, height: 20, ramp: 4).problem(height: 64, width: 64)?
            .hasPrefix("size 70.0×20.0 px does not fit") == true)
        // Values only an edited record can hold.
        let message = "ramp, radius and size must be finite numbers of pixels (ramp ≥ 0, radius and size > 0)"
        #expect(ApertureWindow(shape: .circle, ramp: .nan).problem(height: 64, width: 64) == message)
        #expect(ApertureWindow(shape: .circle, ramp: -1).problem(height: 64, width: 64) == message)
        #expect(ApertureWindow(shape: .rectangle, width: 0, height: 9, ramp: 1).problem(height: 64, width: 64) == message)
        #expect(ApertureWindow(shape: .circle, ramp: 1, background: .value(2)).problem(height: 64, width: 64)
            == "background 2.0 is outside [0, 1]")
        // Ramp < radius, but no pixel centre within radius − ramp = 0.5 of (32, 32) on an even side.
        #expect(ApertureWindow(shape: .circle, radius: 8, ramp: 7.5).problem(height: 64, width: 64)?
            .hasPrefix("no pixel of the 64×64 px stimulus keeps its full weight") == true)
    }

    /// The plateau keeps its pixels bit for bit, outside is the background exactly, and the ramp
    /// is the documented blend, in every channel.
    @Test func applyBlendsEachChannelTowardsTheBackground() {
        let image = syntheticSource(side: 32)
        let window = ApertureWindow(shape: .circle, ramp: 5)
        let weights = window.weights(height: 32, width: 32)
        let out = window.apply(image, background: 0.25)
        let m = 32 * 32
        for c in 0..<3 {
            for i in 0..<m {
                let (value, original) = (out.data[c * m + i], image.data[c * m + i])
                if weights[i] == 1 { #expect(value == original) }
                if weights[i] == 0 { #expect(value == 0.25) }
                #expect(abs(Double(value) - (weights[i] * Double(original) + (1 - weights[i]) * 0.25)) < 1e-6)
            }
        }
        #expect(weights.contains(0) && weights.contains(1) && weights.contains { $0 > 0 && $0 < 1 })
    }

    @Test func backgroundMeanIsThePlateausMeanLumaOrTheEqualisationTarget() {
        let image = syntheticSource(side: 32)
        let window = ApertureWindow(shape: .circle, ramp: 4)
        let plateau = window.plateau(height: 32, width: 32)
        let luma = ImagePreparation.luma(image).data
        let inside = luma.indices.filter { plateau[$0] }.map { Double(luma[$0]) }
        let mean = inside.reduce(0, +) / Double(inside.count)
        #expect(abs(window.backgroundValue(for: image, equalizedMean: nil) - mean) < 1e-12)
        #expect(window.backgroundValue(for: image, equalizedMean: 0.45) == 0.45)
        var grey = window
        grey.background = .value(0.3)
        #expect(grey.backgroundValue(for: image, equalizedMean: 0.45) == 0.3)
    }

    /// With a window, equalisation sets the plateau's mean and RMS contrast (what validation
    /// measures), not the whole image's; without one, the whole image's as before.
    @Test func equalisationWithinTheWindowMeasuresThePlateau() throws {
        let image = syntheticSource(side: 32)
        let window = ApertureWindow(shape: .circle, radius: 14, ramp: 4)
        let target = Equalization(meanLuminance: 0.5, rmsContrast: 0.1, clipping: .fail)
        let (equalized, _) = try target.apply(image, within: window)
        let plateau = window.plateau(height: 32, width: 32)
        func statistics(_ values: [Double]) -> (Double, Double) {
            let mean = values.reduce(0, +) / Double(values.count)
            return (mean, (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot() / mean)
        }
        let luma = ImagePreparation.luma(equalized).data.map(Double.init)
        let (mean, contrast) = statistics(luma.indices.filter { plateau[$0] }.map { luma[$0] })
        #expect(abs(mean - 0.5) < 1e-5 && abs(contrast - 0.1) < 1e-4)
        let (wholeMean, wholeContrast) = statistics(luma)
        #expect(abs(wholeMean - 0.5) > 1e-3 || abs(wholeContrast - 0.1) > 1e-3, "the test needs a plateau unlike the image")
        #expect(try target.apply(image).0 == (try target.apply(image, within: nil).0))
    }
}
