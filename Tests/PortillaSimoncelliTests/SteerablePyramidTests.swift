// SteerablePyramidTests: the pyramid against plenoptic's coefficients, and reconstruction from all levels.

import Testing
@testable import PortillaSimoncelli

@Suite struct SteerablePyramidTests {
    /// Every coefficient of a 16 × 16 image (2 scales, 4 orientations) matches plenoptic 2.1.1
    /// (float64) to 1e-13 of the largest coefficient of its level (≈ 4e-16 reached; the masks are
    /// float32-rounded on both sides, see `PyramidMasks`).
    @Test func matchesPlenopticCoefficients() throws {
        let fixture = try PyramidFixture.load()
        let pyramid = SteerablePyramid(height: fixture.size, width: fixture.size, scales: fixture.n_scales, orientations: fixture.n_orientations)
        let ours = pyramid.decompose(fixture.image)
        func check(_ a: [Double], _ b: [Double], _ level: String) {
            let scale = b.map(abs).max()!
            let difference = zip(a, b).map { abs($0 - $1) }.max()!
            print("pyramid \(level): max |difference| / max |plenoptic| = \(difference / scale)")
            #expect(difference <= 1e-13 * scale, "\(level)")
        }
        check(ours.highpass.values, fixture.highpass, "highpass")
        check(ours.lowpass.values, fixture.lowpass, "lowpass")
        for (s, band) in fixture.bands.enumerated() {
            check(ours.bands[s].flatMap(\.real.values), band.re, "scale \(s) real")
            check(ours.bands[s].flatMap(\.imaginary.values), band.im, "scale \(s) imaginary")
        }
    }

    /// Reconstructing from every level gives the image back, to 2e-5 for images in [0, 1]: the
    /// masks are interpolated from lookup tables (as in plenoptic), so lowpass² + highpass² = 1
    /// holds only at the table's points; plenoptic's own recon_pyr is off by the same ≈ 6e-6.
    @Test(arguments: [(16, 16, 2, 4), (32, 48, 3, 3), (64, 64, 4, 6)])
    func reconstructionInvertsDecomposition(height: Int, width: Int, scales: Int, orientations: Int) {
        var generator = SplitMix(seed: 7)
        let image = RealPlane(height: height, width: width, values: (0..<height * width).map { _ in generator.unit() })
        let pyramid = SteerablePyramid(height: height, width: width, scales: scales, orientations: orientations)
        let back = pyramid.reconstruct(pyramid.decompose(image), levels: .all(scales: scales))
        let difference = zip(back.values, image.values).map { abs($0 - $1) }.max()!
        #expect(difference < 2e-5, "max |reconstruction − image| = \(difference)")
    }
}

/// A small deterministic generator for test images.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func unit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}
