// StimulusValidator: re-measure one stimulus from its file, against its job and its source.

import Foundation
import TextureCore
import TextureImages
import TextureSynthesis
import TextureValidation

/// A source prepared as the job's synthesis saw it, and the reference its stimuli are measured
/// against: the same pixels after the job's post-processing map (equalisation is one affine map
/// per image, so an equalised stimulus is compared with the equalised source, never with the raw
/// one, whose mean and contrast it was made to leave). Computed once per set.
struct PreparedSource {
    /// What the synthesis matched (for the Gram loss).
    var pixels: Tensor
    /// `pixels` after the job's equalisation, if any; the luma and spectrum are of this.
    var reference: Tensor
    var luma: [Double]
    var spectrum: AmplitudeSpectrum
}

/// What `StimulusValidator.validate` measured in one file: nil statistics when the file cannot be
/// used, nil pixels when it cannot even be decoded.
struct StimulusMeasurement {
    var statistics: StimulusStatistics?
    var pixels: Tensor?
    /// The luma the duplicate check compares (a window's plateau only); nil: the whole image's.
    var comparedLuma: [Double]? = nil
    /// 64-bin luma histogram, the amplitude spectrum and the recorded loss trace, for the plots.
    var lumaHistogram: [Double] = []
    var spectrum: [Double] = []
    var lossTrace: [Double] = []
}

struct StimulusValidator {
    let plan: SetPlan
    let thresholds: [ValidationStatistic: Threshold]
    private var sources: [String: PreparedSource] = [:]
    private var objectives: [String: any SynthesisObjective] = [:]

    init(plan: SetPlan, thresholds: [ValidationStatistic: Threshold]) {
        self.plan = plan
        self.thresholds = thresholds
    }

    mutating func source(for job: StimulusJob) throws(PipelineError) -> PreparedSource {
        let p = job.parameters
        let equalize = p.equalize.map { "\($0.meanLuminance)|\($0.rmsContrast)" } ?? "none"
        let key = "\(job.sourcePath)|\(p.size ?? 0)|\(p.crop)|\(p.grey)|\(equalize)"
        if let cached = sources[key] { return cached }
        let image: DecodedImage
        do { image = try ImageFile.load(path: job.sourcePath, role: "source image") } catch { throw .image(error) }
        let pixels = ImagePreparation.prepareSource(image.pixels, size: p.size, crop: p.crop, grey: p.grey)
        var reference = pixels
        if let target = p.equalize {
            // Clamped like a `clip` stimulus: the reference says what a faithful stimulus looks like
            // after the map, whatever the set's clipping policy refuses.
            let map = Equalization(
                meanLuminance: target.meanLuminance, rmsContrast: target.rmsContrast, clipping: .clip)
            reference = (try? map.apply(pixels).0) ?? pixels
        }
        let luma = PixelStatistics.luma(reference)
        let prepared = PreparedSource(
            pixels: pixels, reference: reference, luma: luma,
            spectrum: AmplitudeSpectrum(luma: luma, height: pixels.shape.height, width: pixels.shape.width))
        sources[key] = prepared
        return prepared
    }

    /// Measures the file; appends findings. Returns nil statistics when the file cannot be used.
    mutating func validate(_ job: StimulusJob, findings: inout [Finding]) -> StimulusMeasurement {
        let path = (plan.outputFolder as NSString).appendingPathComponent(job.relativePNGPath)
        func flag(_ statistic: ValidationStatistic, _ level: FindingLevel, _ message: String) {
            if level != .pass {
                findings.append(Finding(file: path, statistic: statistic, level: level, message: message))
            }
        }
        let image: DecodedImage, bytes: Data
        do {
            bytes = try ImageFile.readFile(path: path, role: "stimulus")
            image = try ImageFile.decode(bytes, path: path)
        } catch {
            flag(.file, .fail, error.description)
            agreement(job, bytes: nil, path: path, flag: flag)
            return StimulusMeasurement(statistics: nil, pixels: nil)
        }
        let record = image.text.flatMap { try? StimulusRecord.decode($0) }
        checkFile(job, image: image, record: record, path: path, flag: flag)
        agreement(job, bytes: bytes, path: path, flag: flag)
        guard let source = try? source(for: job) else {
            flag(.source, .fail, "\(job.sourcePath): source image cannot be read")
            return StimulusMeasurement(statistics: nil, pixels: image.pixels)
        }
        let measured = measure(job, pixels: image.pixels, record: record, source: source)
        var statistics = measured.statistics
        if let record { checkConvergence(record, statistics: &statistics, flag: flag) }
        judge(job, measured, statistics: statistics, source: source, flag: flag)
        return StimulusMeasurement(
            statistics: statistics, pixels: image.pixels, comparedLuma: measured.luma,
            lumaHistogram: Self.coarseHistogram(measured.luma),
            spectrum: measured.spectrum.amplitudes, lossTrace: record?.convergence?.lossTrace ?? [])
    }

    /// What `measure` finds besides the statistics, for the judgements and the report.
    struct Measured {
        var statistics: StimulusStatistics
        /// The pixels measured: the image, or a window's plateau as a (C, 1, n) image.
        var pixels: Tensor
        /// The source as the stimulus is compared with it (its luma for a grey stimulus).
        var reference: Tensor
        /// The luma of `pixels`.
        var luma: [Double]
        var spectrum: AmplitudeSpectrum
        var clipping: (atMinimum: Double, atMaximum: Double)
    }

    /// The stimulus's statistics against its prepared source (no judgement yet), over the
    /// region `MeasuredRegion` says: the whole image, or a window's plateau.
    mutating func measure(
        _ job: StimulusJob, pixels whole: Tensor, record: StimulusRecord?, source: PreparedSource
    )
        -> Measured
    {
        let region = MeasuredRegion(
            window: job.parameters.window, height: whole.shape.height, width: whole.shape.width)
        let pixels = region.inside(whole), box = region.box(whole)
        let luma = PixelStatistics.luma(pixels)
        let clipping = PixelStatistics.clipping(pixels)
        let reference =
            pixels.shape.channels == 1
            ? Tensor(Shape(1, source.pixels.shape.height, source.pixels.shape.width), data: source.luma.map(Float.init))
            : source.reference
        let histogram = PixelStatistics.histogramDistance(pixels, reference)
        let spectrum = AmplitudeSpectrum(
            luma: PixelStatistics.luma(box), height: box.shape.height, width: box.shape.width)
        var sourceSpectrum = source.spectrum
        if region.plateau != nil {
            let sourceBox = region.centreBox(reference)
            sourceSpectrum = AmplitudeSpectrum(
                luma: PixelStatistics.luma(sourceBox), height: sourceBox.shape.height, width: sourceBox.shape.width)
        }
        let copy = PatchCorrelation.maxCopyCorrelation(
            stimulus: region.plateau == nil ? luma : PixelStatistics.luma(whole), height: whole.shape.height,
            width: whole.shape.width,
            source: source.luma, sourceHeight: source.pixels.shape.height, sourceWidth: source.pixels.shape.width,
            stimulusMask: region.plateau)
        let statistics = StimulusStatistics(
            luminance: PixelStatistics.luminance(luma), clippedAtMinimum: clipping.atMinimum,
            clippedAtMaximum: clipping.atMaximum,
            histogramDistance: histogram, spectrumSlope: spectrum.slope, sourceSpectrumSlope: sourceSpectrum.slope,
            spectrumDistance: spectrum.distance(to: sourceSpectrum), copyCorrelation: copy, duplicateCorrelation: 0,
            gramLoss: gramLoss(job, pixels: box, source: source), recordedFinalLoss: record?.loss.final.total,
            recordedLossAfterHistogramMatching: record?.loss.afterHistogramMatching?.total,
            chroma: pixels.shape.channels == 3 ? PixelStatistics.excessChroma(pixels, source: reference) : nil)
        return Measured(
            statistics: statistics, pixels: pixels, reference: reference, luma: luma, spectrum: spectrum,
            clipping: clipping)
    }

    /// Judges the measured statistics against the thresholds (convergence is judged by checkConvergence).
    func judge(
        _ job: StimulusJob, _ measured: Measured, statistics: StimulusStatistics, source: PreparedSource,
        flag: (ValidationStatistic, FindingLevel, String) -> Void
    ) {
        let (pixels, reference, clipping, spectrum) = (
            measured.pixels, measured.reference, measured.clipping,
            measured.spectrum
        )
        let (histogram, copy) = (statistics.histogramDistance, statistics.copyCorrelation)
        // Judged against the source: a source with saturated highlights legitimately passes them on.
        let sourceClipping = PixelStatistics.clipping(reference)
        let excess = max(
            0, clipping.atMinimum + clipping.atMaximum - sourceClipping.atMinimum - sourceClipping.atMaximum)
        flag(
            .clippedFraction, threshold(.clippedFraction, excess),
            String(
                format: "%.2f%% of samples at the lowest or highest code value, %.2f%% more than the source",
                100 * (clipping.atMinimum + clipping.atMaximum), 100 * excess))
        if let chroma = statistics.chroma {
            let greySource = PixelStatistics.isGrey(source.pixels)
            flag(
                .chroma, threshold(.chroma, chroma),
                String(
                    format:
                        "mean chroma (max − min of R, G, B) %.2f code values against the source's %.2f (excess %.2f)%@",
                    PixelStatistics.chroma(pixels), PixelStatistics.chroma(reference), chroma,
                    greySource ? ": a tint the grey source does not have (set grey: true for it)" : ""))
        }
        flag(
            .histogramDistance, threshold(.histogramDistance, histogram),
            String(format: "histogram distance to the source %.4f", histogram))
        flag(
            .spectrumDistance, threshold(.spectrumDistance, statistics.spectrumDistance),
            String(
                format: "amplitude spectrum differs from the source's by %.3f log10 units (slope %.2f vs %.2f)",
                statistics.spectrumDistance, spectrum.slope, statistics.sourceSpectrumSlope))
        flag(
            .copyCorrelation, threshold(.copyCorrelation, copy),
            String(format: "a 32×32 patch correlates %.3f with a source patch (copied?)", copy))
        if let target = job.parameters.equalize {
            // The targets must hold in the file as written (quantisation moves them by < 1/255).
            let lumaStatistics = statistics.luminance
            if abs(lumaStatistics.mean - target.meanLuminance) > 2.0 / 255
                || abs(lumaStatistics.rmsContrast - target.rmsContrast) > 0.01
            {
                flag(
                    .equalize, .fail,
                    String(
                        format: "mean luminance %.4f and RMS contrast %.4f miss the equalisation targets %.4f and %.4f",
                        lumaStatistics.mean, lumaStatistics.rmsContrast, target.meanLuminance, target.rmsContrast))
            }
        }
        if let loss = statistics.gramLoss {
            let what = job.parameters.model.isNetwork ? "Gram" : "Portilla–Simoncelli"
            flag(
                .gramLoss, threshold(.gramLoss, loss.total),
                String(format: "%@ loss to the source %.4g", what, loss.total))
        }
    }

    /// The `convergence` check: L_final / L_start as recorded, against the thresholds (fail
    /// defaults to the model's own requirement, so a job the synthesis called not converged fails).
    func checkConvergence(
        _ record: StimulusRecord, statistics: inout StimulusStatistics,
        flag: (ValidationStatistic, FindingLevel, String) -> Void
    ) {
        guard let convergence = record.convergence else {
            flag(
                .convergence, .warn,
                "no convergence record (written by an older texstim): cannot tell whether the synthesis converged")
            return
        }
        let ratio = record.loss.initial.total > 0 ? record.loss.final.total / record.loss.initial.total : .infinity
        statistics.lossRatio = ratio
        statistics.converged = convergence.converged
        var threshold = thresholds[.convergence] ?? Threshold(warn: nil, fail: nil)
        threshold.fail = threshold.fail ?? 1 / convergence.requiredReduction
        let level = ratio.isFinite ? threshold.level(ratio) : .fail
        let detail = String(
            format: "loss fell %.4g → %.4g (%.3g of the start) in %d iterations; stopped: %@",
            record.loss.initial.total, record.loss.final.total, ratio, record.iterations, convergence.stopReason)
        flag(
            .convergence, convergence.converged ? level : .fail,
            (convergence.converged ? "slow convergence: " : "not converged: ") + detail)
    }

    /// A 64-bin luma histogram for plots.
    static func coarseHistogram(_ luma: [Double]) -> [Double] {
        let full = PixelStatistics.histogram(ArraySlice(luma.map(Float.init)))
        return stride(from: 0, to: 256, by: 4).map { full[$0..<($0 + 4)].reduce(0, +) }
    }

    func threshold(_ name: ValidationStatistic, _ value: Double) -> FindingLevel {
        thresholds[name]?.level(value) ?? .pass
    }

    /// Size, bit depth, greyness and provenance (job id, source and weights hashes).
    /// `record` is the provenance embedded in the file (nil when absent or unreadable).
    func checkFile(
        _ job: StimulusJob, image: DecodedImage, record: StimulusRecord?, path: String,
        flag: (ValidationStatistic, FindingLevel, String) -> Void
    ) {
        let p = job.parameters
        if image.bitDepth != p.bitDepth {
            flag(.file, .fail, "bit depth \(image.bitDepth), the manifest asks for \(p.bitDepth)")
        }
        if let side = p.outputSize ?? p.size, image.pixels.shape.height != side || image.pixels.shape.width != side {
            flag(
                .file, .fail,
                "size \(image.pixels.shape.width)×\(image.pixels.shape.height), the manifest asks for \(side)×\(side)")
        }
        if p.grey && image.pixels.shape.channels == 3 {
            let m = image.pixels.shape.positions
            let differing = (0..<m).filter {
                image.pixels.data[$0] != image.pixels.data[m + $0]
                    || image.pixels.data[$0] != image.pixels.data[2 * m + $0]
            }.count
            if differing > 0 {
                flag(.grey, .fail, "grey stimulus has \(differing) pixels with R, G and B not all equal")
            }
        }
        if !p.grey && image.pixels.shape.channels == 1 { flag(.file, .fail, "grey file for a colour condition") }
        guard let record else {
            flag(.provenance, .fail, "no texstim provenance in the file")
            return
        }
        for disagreement in StimulusAgreement.recordAgainstJob(
            record, job: job, setName: plan.manifest.name, file: path)
            + StimulusAgreement.selfContradictions(record, file: path)
        {
            flag(.provenance, .fail, "\(disagreement.field): \(disagreement.message)")
        }
        // The plan hashed the source and weights files on disk once; no need to hash them per stimulus.
        if job.sourceSha256 != record.source.sha256 {
            flag(
                .source, .fail,
                "source \(job.sourcePath) changed after generation "
                    + "(SHA-256 \(job.sourceSha256.prefix(12))…, recorded \(record.source.sha256.prefix(12))…)")
        }
        if let recorded = record.model.weightsSha256, let current = p.weightsSha256, current != recorded {
            flag(
                .weights, .fail,
                "weights \(job.weightsPath ?? record.model.weightsPath ?? "file") changed after generation")
        }
    }

    /// The sidecar against the PNG: present, a texstim record, the PNG's SHA-256, the same provenance.
    func agreement(
        _ job: StimulusJob, bytes: Data?, path: String,
        flag: (ValidationStatistic, FindingLevel, String) -> Void
    ) {
        let sidecarPath = SynthesisJob.sidecarPath(for: path)
        switch StimulusAgreement.sidecar(of: path) {
        case .failure(let problem): flag(.sidecar, .fail, "\(problem.file): \(problem.message)")
        case .success(let sidecar):
            guard let bytes else { return }
            if sidecar.pngSha256 == nil {
                flag(
                    .sidecar, .warn,
                    "\(sidecarPath): records no SHA-256 of the PNG (written by an older texstim): cannot tell it is this PNG's"
                )
            }
            for disagreement in StimulusAgreement.pngAgainstSidecar(
                bytes, path: path, sidecar: sidecar, sidecarPath: sidecarPath)
            {
                flag(.sidecar, .fail, "\(disagreement.field): \(disagreement.message)")
            }
        }
    }

    /// The model's loss of the file's pixels to the prepared source, recomputed: the Gram loss with
    /// the job's network and layers, or the Portilla–Simoncelli loss with the job's settings and
    /// statistic groups (reported as `gram_loss` either way). nil when the sizes do not fit.
    mutating func gramLoss(_ job: StimulusJob, pixels: Tensor, source: PreparedSource) -> LossBreakdown? {
        let key = "\(job.sourcePath)|\(job.condition)"
        let p = job.parameters
        if objectives[key] == nil {
            if let model = plan.model(for: job) {
                objectives[key] = try? TextureObjective(
                    model: model, source: source.pixels,
                    terms: model.terms(layers: p.layers ?? [], weights: p.layerWeights),
                    spectrum: p.spectrumWeight.map { SpectrumSetting(weight: $0, grey: p.grey) })
            } else {
                objectives[key] = try? PortillaSimoncelliObjective(
                    source: source.pixels,
                    settings: p.portillaSimoncelli ?? .init())
            }
        }
        guard let objective = objectives[key] else { return nil }
        let shape = ImagePreparation.rgb(pixels).shape
        if let network = objective as? TextureObjective {
            guard (try? network.checkSize(shape)) != nil else { return nil }
        } else if (try? objective.checkSynthesis(shape, grey: true)) == nil {
            return nil
        }
        return objective.loss(pixels: pixels)
    }
}
