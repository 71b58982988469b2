// ValidationThresholds: warn/fail limits per statistic, with documented defaults; the manifest's
// `validate:` block overrides them (e.g. `validate: {copy_correlation: {warn: 0.85, fail: 0.95}}`).

/// A statistic is flagged when its value is at or above `warn` / `fail` (higher is worse for all).
public struct Threshold: Codable, Sendable, Equatable {
    public var warn: Double?
    public var fail: Double?

    public init(warn: Double?, fail: Double?) {
        self.warn = warn
        self.fail = fail
    }

    public func level(_ value: Double) -> FindingLevel {
        if let fail, value >= fail { return .fail }
        if let warn, value >= warn { return .warn }
        return .pass
    }
}

public enum ValidationThresholds {
    /// Defaults, chosen so that a correct synthesis passes and each failure mode is caught:
    /// - clipped_fraction: samples at the lowest or highest code value beyond the source's own
    ///   fraction (a histogram clipped by the synthesis, not saturation inherited from the source).
    /// - histogram_distance: earth mover's distance to the source, per channel, in [0, 1] units.
    /// - spectrum_distance: RMS difference of log10 amplitude spectra (0.3 ≈ a factor of 2).
    /// - copy_correlation: best correlation of a 32×32 stimulus patch with any source patch.
    /// - duplicate_correlation: correlation with another sample of the same source × condition.
    /// - mean_luminance_spread, rms_contrast_spread: SD of the condition means across conditions
    ///   (a low-level confound between conditions, cf. the SHINE toolbox).
    /// - chroma: mean max − min of R, G, B (8-bit code values) beyond the source's own, divided by
    ///   the source's + 1: on a grey source the tint in code values (a grey source synthesised in
    ///   colour came out 3–8 codes tinted on average). A warning only by default: a grey source in
    ///   a colour condition is allowed (the planner warns too); `validate: {chroma: {fail: 2}}` refuses it.
    /// - outlier_z: robust z-score (median/MAD within a condition) of mean luminance or RMS contrast.
    /// - convergence: L_final / L_start recorded by the synthesis. Warn at 0.01 (the loss fell less
    ///   than 100×); fail at the model's own requirement (1 / requiredLossReduction, 0.1 for every
    ///   model we ship) unless the manifest sets `fail`.
    public static let defaults: [ValidationStatistic: Threshold] = [
        .clippedFraction: Threshold(warn: 0.01, fail: 0.05),
        .histogramDistance: Threshold(warn: 0.03, fail: 0.08),
        .spectrumDistance: Threshold(warn: 0.2, fail: 0.4),
        .copyCorrelation: Threshold(warn: 0.9, fail: 0.97),
        .duplicateCorrelation: Threshold(warn: 0.9, fail: 0.98),
        .meanLuminanceSpread: Threshold(warn: 0.03, fail: 0.08),
        .rmsContrastSpread: Threshold(warn: 0.1, fail: 0.2),
        .outlierZ: Threshold(warn: 3.5, fail: nil),
        .gramLoss: Threshold(warn: nil, fail: nil),
        .convergence: Threshold(warn: 0.01, fail: nil),
        .chroma: Threshold(warn: 1, fail: nil),
    ]

    /// The names a manifest's `validate:` block may set: only statistics with thresholds.
    public static var names: [String] { defaults.keys.map(\.rawValue).sorted() }

    /// The defaults with the manifest's overrides applied. The reader admits only `names` as
    /// keys, so no override is dropped here.
    public static func resolved(_ overrides: [String: Threshold]) -> [ValidationStatistic: Threshold] {
        let typed = overrides.compactMap { name, threshold in
            ValidationStatistic(rawValue: name).map { ($0, threshold) }
        }
        return defaults.merging(typed) { _, new in new }
    }

    /// `thresholds` by name, as the report records them.
    public static func byName(_ thresholds: [ValidationStatistic: Threshold]) -> [String: Threshold] {
        Dictionary(uniqueKeysWithValues: thresholds.map { ($0.rawValue, $1) })
    }
}
