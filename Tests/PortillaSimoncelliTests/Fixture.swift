// Fixture: reads the plenoptic fixtures (scripts/make_portilla_simoncelli_fixture.py) and compares value lists.

import Foundation
import Testing
import PortillaSimoncelli

/// One `ps_<texture>_<size>.json`: 8-bit grey input pixels and plenoptic's statistics by group.
struct StatisticsFixture: Decodable {
    struct Group: Decodable {
        let shape: [Int]
        /// Flat C-order indices (into `shape`) of the entries plenoptic keeps.
        let kept: [Int]
        let values: [Double]
    }

    let source: String
    let size: Int
    let n_scales: Int
    let n_orientations: Int
    let spatial_corr_width: Int
    let pixels: String
    let groups: [String: Group]

    static let names = ["ps_brick-wall-gray_64", "ps_pebbles_64", "ps_wood-fence_64",
                        "ps_brick-wall-gray_128", "ps_pebbles_128", "ps_wood-fence_128"]

    static func load(_ name: String) throws -> StatisticsFixture {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(StatisticsFixture.self, from: Data(contentsOf: url))
    }

    /// The input image: byte / 255, (size, size) row-major.
    var image: RealPlane { grey(pixels, side: size) }
}

/// `pyramid_16.json`: plenoptic's complex steerable pyramid (2 scales, 4 orientations) of a 16 × 16 image.
struct PyramidFixture: Decodable {
    struct Band: Decodable {
        let re: [Double]
        let im: [Double]
        let shape: [Int]
    }

    let pixels: String
    let size: Int
    let n_scales: Int
    let n_orientations: Int
    let highpass: [Double]
    let lowpass: [Double]
    /// One per scale: K bands stacked, (K, h, w) row-major.
    let bands: [Band]

    static func load() throws -> PyramidFixture {
        let url = try #require(Bundle.module.url(forResource: "pyramid_16", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(PyramidFixture.self, from: Data(contentsOf: url))
    }

    var image: RealPlane { grey(pixels, side: size) }
}

/// An 8-bit grey image stored as base64 bytes, as values byte / 255.
func grey(_ base64: String, side: Int) -> RealPlane {
    let bytes = [UInt8](Data(base64Encoded: base64)!)
    return RealPlane(height: side, width: side, values: bytes.map { Double($0) / 255 })
}

/// max_i |a_i − b_i| / max(|b_i|, floor): the largest relative difference, with differences of
/// entries smaller than `floor` measured absolutely against `floor`.
func maxRelativeDifference(_ a: [Double], _ b: [Double], floor: Double = 0) -> Double {
    precondition(a.count == b.count, "\(a.count) vs \(b.count) values")
    return zip(a, b).map { abs($0 - $1) / max(abs($1), floor) }.max() ?? 0
}
