// ValidationReport: the figures and verdicts of `texstim validate`, for scripts (JSON) and the HTML report.

import Foundation
import TextureCore

public enum FindingLevel: String, Codable, Sendable, Comparable {
    case pass, warn, fail

    public static func < (a: FindingLevel, b: FindingLevel) -> Bool {
        [FindingLevel.pass, .warn, .fail].firstIndex(of: a)! < [FindingLevel.pass, .warn, .fail].firstIndex(of: b)!
    }
}

/// One flagged observation: which file, which statistic, how bad, and a sentence for a person.
public struct Finding: Codable, Sendable, Equatable {
    public var file: String
    public var statistic: String
    public var level: FindingLevel
    public var message: String

    public init(file: String, statistic: String, level: FindingLevel, message: String) {
        self.file = file
        self.statistic = statistic
        self.level = level
        self.message = message
    }
}

public struct StimulusStatistics: Codable, Sendable, Equatable {
    public var luminance: LuminanceStatistics
    public var clippedAtMinimum: Double
    public var clippedAtMaximum: Double
    public var histogramDistance: Double
    public var spectrumSlope: Double
    public var sourceSpectrumSlope: Double
    public var spectrumDistance: Double
    public var copyCorrelation: Double
    public var duplicateCorrelation: Double
    /// Recomputed from the file with the set's model and layers, and as recorded at synthesis.
    public var gramLoss: LossBreakdown?
    public var recordedFinalLoss: Double?
    public var recordedLossAfterHistogramMatching: Double?
    /// L_final / L_start as recorded by the synthesis (before histogram matching), and its verdict.
    public var lossRatio: Double?
    public var converged: Bool?
    /// Mean chroma of a colour stimulus beyond its source's, in 8-bit code values (nil for grey files).
    public var chroma: Double?

    public init(luminance: LuminanceStatistics, clippedAtMinimum: Double, clippedAtMaximum: Double,
                histogramDistance: Double, spectrumSlope: Double, sourceSpectrumSlope: Double,
                spectrumDistance: Double, copyCorrelation: Double, duplicateCorrelation: Double,
                gramLoss: LossBreakdown? = nil, recordedFinalLoss: Double? = nil,
                recordedLossAfterHistogramMatching: Double? = nil, lossRatio: Double? = nil, converged: Bool? = nil,
                chroma: Double? = nil) {
        self.luminance = luminance
        self.clippedAtMinimum = clippedAtMinimum
        self.clippedAtMaximum = clippedAtMaximum
        self.histogramDistance = histogramDistance
        self.spectrumSlope = spectrumSlope
        self.sourceSpectrumSlope = sourceSpectrumSlope
        self.spectrumDistance = spectrumDistance
        self.copyCorrelation = copyCorrelation
        self.duplicateCorrelation = duplicateCorrelation
        self.gramLoss = gramLoss
        self.recordedFinalLoss = recordedFinalLoss
        self.recordedLossAfterHistogramMatching = recordedLossAfterHistogramMatching
        self.lossRatio = lossRatio
        self.converged = converged
        self.chroma = chroma
    }
}

public struct StimulusValidation: Codable, Sendable {
    public var file: String
    public var jobId: String
    public var source: String
    public var condition: String
    public var sample: Int
    public var verdict: FindingLevel
    public var statistics: StimulusStatistics?
    /// 64-bin luma histogram and ring amplitudes, for the report's plots.
    public var lumaHistogram: [Double]
    public var spectrum: [Double]
    /// The recorded total loss per iteration (index 0: the start noise), for the loss curves.
    public var lossTrace: [Double] = []

    public init(file: String, jobId: String, source: String, condition: String, sample: Int, verdict: FindingLevel,
                statistics: StimulusStatistics? = nil, lumaHistogram: [Double], spectrum: [Double],
                lossTrace: [Double] = []) {
        self.file = file
        self.jobId = jobId
        self.source = source
        self.condition = condition
        self.sample = sample
        self.verdict = verdict
        self.statistics = statistics
        self.lumaHistogram = lumaHistogram
        self.spectrum = spectrum
        self.lossTrace = lossTrace
    }
}

public struct ConditionSummary: Codable, Sendable {
    public var condition: String
    public var stimuli: Int
    public var meanLuminance: Double
    public var rmsContrast: Double

    public init(condition: String, stimuli: Int, meanLuminance: Double, rmsContrast: Double) {
        self.condition = condition
        self.stimuli = stimuli
        self.meanLuminance = meanLuminance
        self.rmsContrast = rmsContrast
    }
}

public struct ValidationReport: Codable, Sendable {
    public var set: String
    public var manifest: String
    public var folder: String
    public var verdict: FindingLevel
    public var thresholds: [String: Threshold]
    public var stimuli: [StimulusValidation]
    public var conditions: [ConditionSummary]
    public var findings: [Finding]
    /// Per source id: its prepared luma histogram and spectrum (plots).
    public var sourceHistograms: [String: [Double]]
    public var sourceSpectra: [String: [Double]]

    public init(set: String, manifest: String, folder: String, verdict: FindingLevel, thresholds: [String: Threshold],
                stimuli: [StimulusValidation], conditions: [ConditionSummary], findings: [Finding],
                sourceHistograms: [String: [Double]], sourceSpectra: [String: [Double]]) {
        self.set = set
        self.manifest = manifest
        self.folder = folder
        self.verdict = verdict
        self.thresholds = thresholds
        self.stimuli = stimuli
        self.conditions = conditions
        self.findings = findings
        self.sourceHistograms = sourceHistograms
        self.sourceSpectra = sourceSpectra
    }

    /// Pretty, sorted-key, snake_case JSON; a non-finite number is written as "inf", "-inf" or
    /// "nan". Throws (rather than return an empty report) if the encoder still refuses a value.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }
}
