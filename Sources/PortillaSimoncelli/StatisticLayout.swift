// StatisticLayout: the statistic groups' names, shapes and kept (non-redundant) entries, in plenoptic's order.

/// One group of statistics: its full array (C order over `shape`) and which entries count.
///
/// plenoptic computes each group as a full array and drops redundant entries (it shows them as
/// NaN in `convert_to_dict`); `kept` lists the flat indices of the entries it keeps, and
/// `vector` is those entries in that order — exactly plenoptic's slice of its statistic vector.
public struct StatisticGroup: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    /// Every entry of the full array, C order (last index fastest).
    public let values: [Double]
    /// Ascending flat indices of the kept entries.
    public let kept: [Int]

    public var vector: [Double] { kept.map { values[$0] } }
}

/// The groups, in plenoptic 2.1.1's order (its `_necessary_stats_dict`), with S scales, K
/// orientations and W = spatial_corr_width; s indexes scales fine to coarse, "S" in a shape
/// means S entries for the band scales plus 1 for the residual low-pass:
///
/// | group                                   | shape          | kept                           |
/// |-----------------------------------------|----------------|--------------------------------|
/// | pixel_statistics                        | (6)            | all: mean, var, skew, kurtosis, min, max |
/// | auto_correlation_magnitude              | (W, W, K, S)   | lag (a, b) with b ≤ a, not (d, d) for d ≥ ⌊W/2⌋; all of row 0 if W is even |
/// | skew_reconstructed                      | (S + 1)        | all                            |
/// | kurtosis_reconstructed                  | (S + 1)        | all                            |
/// | auto_correlation_reconstructed          | (W, W, S + 1)  | as auto_correlation_magnitude  |
/// | std_reconstructed                       | (S + 1)        | all                            |
/// | cross_orientation_correlation_magnitude | (K, K, S)      | (k₁, k₂) with k₂ < k₁          |
/// | magnitude_std                           | (K, S)         | all                            |
/// | cross_scale_correlation_magnitude       | (K, K, S − 1)  | all (absent when S = 1)        |
/// | cross_scale_correlation_real            | (K, 2K, S − 1) | all (absent when S = 1)        |
/// | var_highpass_residual                   | (1)            | all                            |
///
/// texstim adds `magnitude_means` (K, S) after them (not in plenoptic's vector; see
/// docs/portilla-simoncelli.md).
public enum StatisticLayout {
    public static let plenopticGroupNames = [
        "pixel_statistics", "auto_correlation_magnitude", "skew_reconstructed", "kurtosis_reconstructed",
        "auto_correlation_reconstructed", "std_reconstructed", "cross_orientation_correlation_magnitude",
        "magnitude_std", "cross_scale_correlation_magnitude", "cross_scale_correlation_real", "var_highpass_residual",
    ]

    /// The flat indices kept from a (W, W, trailing) auto-correlation array: the lower triangle
    /// of lags (b ≤ a) — plus all of row a = 0 when W is even — without the diagonal lags (d, d)
    /// for d ≥ ⌊W/2⌋ (the zero lag, always 1, and lags that repeat others by symmetry).
    static func keptAutoCorrelation(width: Int, trailing: Int) -> [Int] {
        var kept: [Int] = []
        for a in 0..<width {
            for b in 0..<width {
                var keep = b <= a || (width % 2 == 0 && a == 0)
                if a == b && a >= width / 2 { keep = false }
                if keep { kept += (0..<trailing).map { (a * width + b) * trailing + $0 } }
            }
        }
        return kept
    }

    /// The flat indices kept from a (K, K, S) cross-orientation array: k₂ < k₁ (the diagonal is
    /// 1 and the upper triangle mirrors the lower).
    static func keptCrossOrientation(orientations: Int, scales: Int) -> [Int] {
        var kept: [Int] = []
        for k1 in 0..<orientations {
            for k2 in 0..<k1 { kept += (0..<scales).map { (k1 * orientations + k2) * scales + $0 } }
        }
        return kept
    }

    /// A group with every entry kept.
    static func full(_ name: String, shape: [Int], values: [Double]) -> StatisticGroup {
        StatisticGroup(name: name, shape: shape, values: values, kept: Array(values.indices))
    }
}
