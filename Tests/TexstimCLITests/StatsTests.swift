// StatsTests: `texstim stats` as a user runs it: JSON groups in plenoptic's order, refusals with the rule.

import Foundation
import Testing

@Suite struct StatsTests {
    @Test func printsPortillaSimoncelliGroupsInPlenopticOrder() throws {
        let result = try texstim(["stats", pebbles, "--model", "portilla-simoncelli", "--size", "128", "--json"])
        #expect(result.status == 0, "\(result.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let statistics = try #require(object["statistics"] as? [String: [Double]])
        #expect(statistics["pixel_statistics"]?.count == 6)
        #expect(statistics["auto_correlation_magnitude"]?.count == 384)
        #expect(statistics["cross_scale_correlation_real"]?.count == 96)
        let order = ["pixel_statistics", "auto_correlation_magnitude", "skew_reconstructed", "kurtosis_reconstructed",
                     "auto_correlation_reconstructed", "std_reconstructed", "cross_orientation_correlation_magnitude",
                     "magnitude_std", "cross_scale_correlation_magnitude", "cross_scale_correlation_real",
                     "var_highpass_residual", "magnitude_means"]
        let positions = order.map { result.output.range(of: "\"\($0)\": [")!.lowerBound }
        #expect(positions == positions.sorted(), "groups in plenoptic's order")
    }

    @Test func refusesSizesThePyramidCannotTake() throws {
        let result = try texstim(["stats", pebbles, "--size", "100", "--n-scales", "3"])
        #expect(result.status == 2)
        #expect(result.error.contains("divisible by 2^n_scales = 8"))
        let unknown = try texstim(["stats", pebbles, "--model", "vgg19"])
        #expect(unknown.status == 2)
        #expect(unknown.error.contains("portilla-simoncelli"), "argument-parser lists the models stats knows")
    }
}
