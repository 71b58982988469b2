// PyramidMasks: the Fourier-domain masks of the steerable pyramid, per scale, on centred (fftshifted) frequency grids.

/// All masks are real, row-major, on centred spectra (frequency 0 at (h/2, w/2)), as in plenoptic's
/// `SteerablePyramidFreq.__init__`:
///   H₀ = hp(log₂ r), L₀mask = lp(log₂ r)                 on the (H, W) grid
///   at scale s (grid (h_s, w_s), the previous grid's centre crop):
///   H_s = hp(log₂ r + (s + 1)),  A_{s,k}(θ) = profile(θ − π k / K),
///   L_s mask = lp(log₂ r + (s + 1)) on the next, cropped grid
/// where hp / lp are the radial raised-cosine transitions and `profile` the angular lookup table
/// (see `LookupTable`); shifting the tables' xs by −1 per scale is the same as moving the
/// transition down one octave.
///
/// Every mask value is rounded to float32 (`stored`), as plenoptic's are: it builds them in
/// float64 numpy, then casts the module to float32 in `__init__`, so a model moved to float64
/// later still computes with float32-rounded masks. Rounding ours the same way makes both compute
/// with identical masks; with unrounded masks the statistics differ from plenoptic's by up to
/// ≈ 1e-4 relative on near-zero correlations (≈ 3e-8 on the coefficients).
struct PyramidMasks: Sendable {
    /// One scale's masks and the crop to the next scale.
    struct Level: Sendable {
        let height: Int
        let width: Int
        /// (h, w) radial band-pass half: H_s.
        let highpass: [Double]
        /// K masks of (h, w): the analysis angular masks A_{s,k} (one half-plane, 2√c amplitude).
        let analysis: [[Double]]
        /// K masks of (h, w): the synthesis angular masks (both half-planes, √c amplitude).
        let synthesis: [[Double]]
        /// Rows and columns of the centred (h, w) spectrum kept for the next scale:
        /// start = (⌊d/2⌋ + 1) − (⌊d'/2⌋ + 1), length d' = ⌈d / 2⌉, for each side d.
        let lowpassRows: Range<Int>
        let lowpassColumns: Range<Int>
        /// (h', w') low-pass mask applied after the crop.
        let lowpass: [Double]
    }

    /// (H, W).
    let highpass0: [Double]
    /// (H, W).
    let lowpass0: [Double]
    /// Scales 0 … S−1, fine to coarse.
    let levels: [Level]

    init(height: Int, width: Int, scales: Int, orientations: Int) {
        var grid = PolarGrid(height: height, width: width)
        var (hp, lp) = LookupTable.radialTransition()
        highpass0 = grid.logRadius.map { Self.stored(hp($0)) }
        lowpass0 = grid.logRadius.map { Self.stored(lp($0)) }
        let analysisProfile = LookupTable.angularProfile(orientations: orientations, analysis: true)
        let synthesisProfile = LookupTable.angularProfile(orientations: orientations, analysis: false)
        var levels: [Level] = []
        for _ in 0..<scales {
            (hp, lp) = (hp.shifted(by: -1), lp.shifted(by: -1))
            let angularMasks = { (profile: LookupTable) in
                (0..<orientations).map { k in
                    let table = profile.shifted(by: Double.pi * Double(k) / Double(orientations))
                    return grid.angle.map { Self.stored(table($0)) }
                }
            }
            let rows = Self.centreHalf(grid.height), columns = Self.centreHalf(grid.width)
            let next = grid.cropped(rows: rows, columns: columns)
            levels.append(
                Level(
                    height: grid.height, width: grid.width, highpass: grid.logRadius.map { Self.stored(hp($0)) },
                    analysis: angularMasks(analysisProfile), synthesis: angularMasks(synthesisProfile),
                    lowpassRows: rows, lowpassColumns: columns, lowpass: next.logRadius.map { Self.stored(lp($0)) }))
            grid = next
        }
        self.levels = levels
    }

    /// A mask value as plenoptic stores it: rounded to the nearest float32.
    static func stored(_ value: Double) -> Double { Double(Float(value)) }

    /// The centre ⌈d / 2⌉ indices of a centred axis of length d (plenoptic's lostart..<loend).
    static func centreHalf(_ d: Int) -> Range<Int> {
        let half = (d + 1) / 2
        let start = (d / 2 + 1) - (half / 2 + 1)
        return start..<(start + half)
    }
}
