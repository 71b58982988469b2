// PortillaSimoncelliSettings: the parameters of a Portilla–Simoncelli synthesis — plenoptic's model arguments and the matched statistic groups.

import PortillaSimoncelli

/// plenoptic's `PortillaSimoncelli(image_shape, n_scales, n_orientations, spatial_corr_width)`
/// arguments and the statistic groups the loss matches. A stimulus record stores them as
/// `parameters.portilla_simoncelli` (absent for the network models).
///
/// Selecting groups: the loss L = Σ_g c_g Σ_i (w_{g,i} (s_{g,i}(x) − t_{g,i}))² keeps plenoptic's
/// weights w for the selected groups (c_g = 1) and drops the others (c_g = 0), as studies that
/// ablate Portilla–Simoncelli statistics do. The unselected groups are still computed (they share
/// the pyramid) but contribute neither loss nor gradient.
public struct PortillaSimoncelliSettings: Codable, Sendable, Equatable {
    /// plenoptic's defaults: 4 scales, 4 orientations, spatial_corr_width 7.
    public static let defaultScales = 4, defaultOrientations = 4, defaultCorrelationWidth = 7
    /// plenoptic's statistic groups, in its order: the names `statistics` chooses from.
    public static let groupNames = StatisticLayout.plenopticGroupNames

    /// S: the pyramid's scales (each side must be divisible by 2^S; S ≤ ⌊log₂ min(H, W)⌋ − 2).
    public var nScales: Int
    /// K: orientations per scale, 2–16.
    public var nOrientations: Int
    /// W: the central W × W auto-correlation lags (W ≤ min(H, W) / 2^S).
    public var spatialCorrWidth: Int
    /// The matched groups, in plenoptic's order (default: all 11).
    public var statistics: [String]

    /// The selection is kept in plenoptic's order (so [a, b] and [b, a] are the same parameters);
    /// names that are not groups are kept at the end for `checkStatistics` to refuse.
    public init(
        nScales: Int = defaultScales, nOrientations: Int = defaultOrientations,
        spatialCorrWidth: Int = defaultCorrelationWidth, statistics: [String]? = nil
    ) {
        self.nScales = nScales
        self.nOrientations = nOrientations
        self.spatialCorrWidth = spatialCorrWidth
        let chosen = statistics ?? Self.groupNames
        self.statistics = Self.groupNames.filter(chosen.contains) + chosen.filter { !Self.groupNames.contains($0) }
    }

    /// The loss's per-group factor c_g: 0 for each unselected group (see the type's comment).
    public var reweighting: [String: Double] {
        Dictionary(uniqueKeysWithValues: Self.groupNames.filter { !statistics.contains($0) }.map { ($0, 0.0) })
    }

    /// A problem with the selection (an unknown group name, or none selected), in words; nil when fine.
    public var statisticsProblem: String? {
        if let unknown = statistics.first(where: { !Self.groupNames.contains($0) }) {
            return "unknown statistic group '\(unknown)'; choose from \(Self.groupNames.joined(separator: ", "))"
        }
        return statistics.isEmpty ? "no statistic group is selected, so the loss is 0; select at least one" : nil
    }

    /// Throws plenoptic's rule that an (H, W) image breaks with these scales, orientations and width.
    public func check(height: Int, width: Int) throws(PortillaSimoncelliError) {
        try PortillaSimoncelliModel.check(
            height: height, width: width, scales: nScales, orientations: nOrientations,
            correlationWidth: spatialCorrWidth)
    }
}
