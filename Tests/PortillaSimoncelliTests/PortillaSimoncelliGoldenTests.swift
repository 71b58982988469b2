// PortillaSimoncelliGoldenTests: every statistic group against plenoptic 2.1.1 (float64) on shared textures at 64² and 128².

import Testing
import PortillaSimoncelli

@Suite struct PortillaSimoncelliGoldenTests {
    /// The bound per group on max |ours − plenoptic| / |plenoptic| over the group's kept entries.
    /// The target is 1e-4. Groups made from the reconstructed low-pass images get 1e-5
    /// (2.3e-6 reached): plenoptic's recon_pyr accumulates in a complex64 buffer even in float64,
    /// which texstim does not copy. Every other group gets 1e-10 (2e-12 reached).
    static func bound(_ group: String) -> Double { group.hasSuffix("_reconstructed") ? 1e-5 : 1e-10 }

    @Test(arguments: StatisticsFixture.names)
    func groupsMatchPlenoptic(name: String) throws {
        let fixture = try StatisticsFixture.load(name)
        let model = try PortillaSimoncelliModel(height: fixture.size, width: fixture.size, scales: fixture.n_scales,
                                                orientations: fixture.n_orientations, correlationWidth: fixture.spatial_corr_width)
        let groups = model.statistics(of: fixture.image)
        #expect(Set(groups.map(\.name)) == Set(fixture.groups.keys))
        for group in groups {
            let expected = try #require(fixture.groups[group.name])
            #expect(group.shape == expected.shape, "\(group.name) shape")
            #expect(group.kept == expected.kept, "\(group.name) kept entries")
            let difference = maxRelativeDifference(group.vector, expected.values)
            print("\(name) \(group.name): \(group.vector.count) values, max relative difference \(difference)")
            #expect(difference <= Self.bound(group.name), "\(name) \(group.name): max relative difference \(difference)")
        }
    }
}
