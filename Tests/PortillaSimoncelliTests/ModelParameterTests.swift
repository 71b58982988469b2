// ModelParameterTests: the image sizes and parameters the model refuses (plenoptic's rules), and the statistic count.

import Testing
import PortillaSimoncelli

@Suite struct ModelParameterTests {
    @Test func refusesSidesNotDivisibleByTwoToTheScales() {
        #expect(throws: PortillaSimoncelliError.sideNotDivisible(height: 100, width: 128, scales: 4)) {
            try PortillaSimoncelliModel(height: 100, width: 128)
        }
        let message = PortillaSimoncelliError.sideNotDivisible(height: 100, width: 128, scales: 4).description
        #expect(message.contains("divisible by 2^n_scales = 16"))
    }

    /// plenoptic's defaults (4 scales, width 7) fail at 64 × 64: the coarsest reconstructed
    /// low-pass is 4 × 4, smaller than the 7 × 7 auto-correlation window.
    @Test func refusesCorrelationWindowLargerThanCoarsestScale() {
        #expect(throws: PortillaSimoncelliError.correlationWidthTooLarge(height: 64, width: 64, scales: 4, correlationWidth: 7)) {
            try PortillaSimoncelliModel(height: 64, width: 64)
        }
        #expect(throws: Never.self) { try PortillaSimoncelliModel(height: 64, width: 64, scales: 3) }
        #expect(throws: Never.self) { try PortillaSimoncelliModel(height: 96, width: 80, scales: 3, correlationWidth: 5) }
    }

    @Test func refusesPyramidsTallerThanTheImageAllows() {
        // 32 × 32: ⌊log₂ 32⌋ − 2 = 3 scales at most.
        #expect(throws: PortillaSimoncelliError.tooManyScales(height: 32, width: 32, scales: 4, maximum: 3)) {
            try PortillaSimoncelliModel(height: 32, width: 32, scales: 4, correlationWidth: 1)
        }
    }

    @Test func refusesParametersOutOfRange() {
        #expect(throws: PortillaSimoncelliError.scalesOutOfRange(0)) { try PortillaSimoncelliModel(height: 64, width: 64, scales: 0) }
        #expect(throws: PortillaSimoncelliError.orientationsOutOfRange(1)) { try PortillaSimoncelliModel(height: 128, width: 128, orientations: 1) }
        #expect(throws: PortillaSimoncelliError.correlationWidthOutOfRange(0)) { try PortillaSimoncelliModel(height: 128, width: 128, correlationWidth: 0) }
    }

    /// One scale: no cross-scale groups (as plenoptic); the kept count is plenoptic's vector length.
    @Test func oneScaleHasNoCrossScaleGroups() throws {
        let model = try PortillaSimoncelliModel(height: 32, width: 32, scales: 1, orientations: 4, correlationWidth: 5)
        var generator = SplitMix(seed: 3)
        let image = RealPlane(height: 32, width: 32, values: (0..<1024).map { _ in generator.unit() })
        let groups = model.statistics(of: image)
        #expect(!groups.map(\.name).contains("cross_scale_correlation_real"))
        // plenoptic's vector for (32, 32), 1 scale, 4 orientations, width 5 has 95 entries:
        // 6 pixel + 12 lags · 4 · 1 + 2 skew + 2 kurtosis + 12 · 2 + 2 std + 6 cross-orientation + 4 std + 1.
        let plenopticCount = groups.filter { $0.name != "magnitude_means" }.map(\.vector.count).reduce(0, +)
        #expect(plenopticCount == 95)
    }
}
