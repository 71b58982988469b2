// StimulusParameters+FormatOne: LEGACY ONLY: the parameters of records written before format 2.
//
// A format-1 record has no `parameters`: a set stimulus kept most of them in `job.parameters`,
// a single stimulus (`texstim synthesize`) only in the descriptive blocks, two of them as English
// strings. This file is the only place that reads them; records of format 2 on carry the
// parameter record itself and never come here.

import Foundation
import TextureCore
import TextureSynthesis

/// `job.parameters` of a format-1 record (set stimuli only). Decoded so old sets still resume,
/// validate and reproduce; never written by this texstim (format 2 records have `parameters`).
public struct FormatOneJobParameters: Codable, Sendable, Equatable {
    public var sourceSha256: String
    public var model: String
    public var weightsSha256: String?
    public var layers: [String]
    public var layerWeights: [Double]?
    public var spectrumWeight: Double?
    public var seed: UInt64
    public var size: Int?
    public var crop: Bool
    public var outputSize: Int?
    public var grey: Bool
    public var iterations: Int
    public var histogramMatch: Bool
    public var bitDepth: Int
    public var equalize: Equalization?
    public var stopping: StoppingRules?
}

extension StimulusParameters {
    /// LEGACY: the parameters of a record written before record format 2 (`record_format_version`
    /// 1, no `parameters`). Reads legacy records only: new records carry their parameters.
    ///
    /// A set stimulus's are its `job.parameters` (what its run compared on resume), so a rerun of
    /// an old set with an unchanged manifest gives equal parameters and redoes nothing; a single
    /// stimulus's come from the descriptive blocks: `preparation.crop` "none (whole image resized)"
    /// means no crop, and `optimizer.start` "init image PATH" names the start image. The optimiser
    /// settings are the recorded `optimizer.memory`, `factr` and `pgtol` (format 1 wrote the
    /// values it always used: 20, 0, 0). No init image for a set stimulus: manifests have none.
    public init(formatOneRecord record: StimulusRecord) throws(PipelineError) {
        let legacy = record.job?.parameters
        let name = legacy?.model ?? record.model.name
        guard let model = ModelName(rawValue: name) else {
            throw .invalidArgument(
                name: "model.name", value: name,
                hint: "the record names a model this texstim does not have "
                    + "(\(ModelName.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let optimizer = OptimizerSettings(
            memory: record.optimizer.memory, factr: record.optimizer.factr,
            pgtol: record.optimizer.pgtol)
        if let p = legacy {
            self.init(
                model: model, weightsSha256: p.weightsSha256, layers: p.layers, layerWeights: p.layerWeights,
                spectrumWeight: p.spectrumWeight, size: p.size, crop: p.crop, outputSize: p.outputSize,
                grey: p.grey, iterations: p.iterations, seed: p.seed, histogramMatch: p.histogramMatch,
                bitDepth: p.bitDepth,
                equalize: p.equalize, stopping: p.stopping ?? StoppingRules(), optimizer: optimizer)
            return
        }
        let initPrefix = "init image "
        let start = record.optimizer.start
        self.init(
            model: model, weightsSha256: record.model.weightsSha256, layers: record.layers.map(\.layer),
            layerWeights: record.layers.map(\.weight), spectrumWeight: record.spectrumWeight,
            size: record.preparation.size, crop: record.preparation.crop != "none (whole image resized)",
            outputSize: record.output.requestedSize, grey: record.preparation.grey,
            initImage: start.hasPrefix(initPrefix) ? String(start.dropFirst(initPrefix.count)) : nil,
            iterations: record.optimizer.maxIterations, seed: record.seed,
            histogramMatch: record.postprocessing.histogramMatch, bitDepth: record.output.bitDepth,
            equalize: record.postprocessing.equalize, stopping: record.optimizer.stopping ?? StoppingRules(),
            optimizer: optimizer)
    }
}

extension StimulusRecord {
    /// The parameters that made this stimulus: the record's own `parameters` (format 2 on), or
    /// for a format-1 record their translation (`StimulusParameters(formatOneRecord:)`).
    public func stimulusParameters() throws(PipelineError) -> StimulusParameters {
        // A newer texstim's record may hold parameters this one would drop while decoding.
        guard (1...Self.currentFormatVersion).contains(recordFormatVersion) else {
            throw .invalidArgument(
                name: "record_format_version", value: "\(recordFormatVersion)",
                hint: "this texstim reads records of format 1 to \(Self.currentFormatVersion); "
                    + "use the texstim that wrote the stimulus (its version is in tool.version), or a newer one")
        }
        if let parameters { return parameters }
        guard recordFormatVersion == 1 else {
            throw .invalidArgument(
                name: "parameters", value: "absent",
                hint: "a record of format \(recordFormatVersion) "
                    + "must carry its parameters (the record was edited)")
        }
        return try StimulusParameters(formatOneRecord: self)
    }
}
