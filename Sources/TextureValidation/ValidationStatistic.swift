// ValidationStatistic: the names of validation's checks, as the report, the CSV and a manifest's
// `validate:` block spell them; an enum so that a misspelt name is a compile error, not a silent pass.

public enum ValidationStatistic: String, CaseIterable, Sendable {
    // Measured, with warn/fail thresholds (ValidationThresholds.defaults).
    case clippedFraction = "clipped_fraction"
    case histogramDistance = "histogram_distance"
    case spectrumDistance = "spectrum_distance"
    case copyCorrelation = "copy_correlation"
    case duplicateCorrelation = "duplicate_correlation"
    case meanLuminanceSpread = "mean_luminance_spread"
    case rmsContrastSpread = "rms_contrast_spread"
    case outlierZ = "outlier_z"
    case gramLoss = "gram_loss"
    case convergence
    case chroma
    // Checked, pass or fail, with no threshold to set.
    case file
    case source
    case weights
    case grey
    case equalize
    case provenance
    case sidecar
}

extension Finding {
    public init(file: String, statistic: ValidationStatistic, level: FindingLevel, message: String) {
        self.init(file: file, statistic: statistic.rawValue, level: level, message: message)
    }
}
