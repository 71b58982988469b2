// SetIndex: index.csv (a PsychoPy conditions file) and index.json, assembled from the sidecars
// (and, from the same rows, BIDS's stimuli.tsv/json: BIDSStimuli).
//
// Written at the end of every run from whatever finished sidecars exist, never appended to by
// concurrent workers; each file is replaced atomically.

import Foundation
import TextureImages
import TextureValidation

public enum SetIndex {
    public static let columns = [
        "stimulus", "job_id", "source", "condition", "sample", "seed", "model", "layers", "iterations", "evaluations",
        "loss_initial", "loss_final", "loss_after_histogram_match", "converged", "stop_reason", "width", "height",
        "channels", "bit_depth", "grey",
        "histogram_match", "source_sha256",
    ]

    /// Added when the set was validated: the verdict and the re-measured statistics.
    public static let validationColumns = [
        "verdict", "mean_luminance", "sd_luminance", "rms_contrast", "michelson_contrast", "clipped_fraction",
        "histogram_distance",
        "spectrum_slope", "spectrum_distance", "copy_correlation", "duplicate_correlation", "gram_loss",
        "chroma",
    ]

    /// Writes both files; returns the number of stimuli listed.
    @discardableResult
    public static func write(plan: SetPlan, validation: ValidationReport? = nil) throws(PipelineError) -> Int {
        let columns = validation == nil ? columns : columns + validationColumns
        let byFile = Dictionary((validation?.stimuli ?? []).map { ($0.jobId, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [[String]] = []
        var entries: [[String: Any]] = []
        var listed: [(job: StimulusJob, record: StimulusRecord)] = []
        for job in plan.jobs {
            let png = (plan.outputFolder as NSString).appendingPathComponent(job.relativePNGPath)
            guard FileManager.default.fileExists(atPath: png),
                let text = try? String(contentsOfFile: SynthesisJob.sidecarPath(for: png), encoding: .utf8),
                let record = try? StimulusRecord.decode(text), job.matches(record)
            else { continue }
            var row = values(job: job, record: record)
            if validation != nil { row += validationValues(byFile[job.id]) }
            rows.append(row)
            listed.append((job, record))
            entries.append(Dictionary(uniqueKeysWithValues: zip(columns, row)))
        }
        let csv = ([columns] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
        let csvPath = (plan.outputFolder as NSString).appendingPathComponent("index.csv")
        var document: [String: Any] = [
            "set": plan.manifest.name, "manifest": plan.manifest.path, "manifest_sha256": plan.manifest.sha256,
            "jobs": plan.jobs.count, "stimuli": entries,
        ]
        // The manifest relative to the set folder too: `validate` finds it from any directory and
        // after the set moved together with it.
        document["manifest_from_set"] = FileLocator.relativePath(of: plan.manifest.path, from: plan.outputFolder)
        if let validation { document["verdict"] = validation.verdict.rawValue }
        let jsonPath = (plan.outputFolder as NSString).appendingPathComponent("index.json")
        // Every file is made before any is written: one that cannot be encoded leaves all the old ones.
        var files = [(path: csvPath, data: Data(csv.utf8))]
        do { files.append((jsonPath, try ImageFile.jsonData(document, for: jsonPath))) } catch { throw .image(error) }
        files += try BIDSStimuli.files(stimuli: listed, plan: plan, validation: validation)
        do { for file in files { try ImageFile.writeAtomically(file.data, to: file.path) } } catch {
            throw .image(error)
        }
        return rows.count
    }

    static func values(job: StimulusJob, record: StimulusRecord) -> [String] {
        [
            job.relativePNGPath, job.id, job.sourceId, job.condition, "\(job.sample)", "\(job.parameters.seed)",
            record.model.name,
            record.layers.map(\.layer).joined(separator: "+"), "\(record.iterations)", "\(record.evaluations)",
            "\(record.loss.initial.total)", "\(record.loss.final.total)",
            record.loss.afterHistogramMatching.map { "\($0.total)" } ?? "",
            record.convergence.map { "\($0.converged)" } ?? "", record.stopReason,
            "\(record.output.width)", "\(record.output.height)", "\(record.output.channels)",
            "\(record.output.bitDepth)",
            "\(job.parameters.grey)", "\(job.parameters.histogramMatch)", record.source.sha256,
        ]
    }

    static func validationValues(_ result: StimulusValidation?) -> [String] {
        guard let result, let s = result.statistics else {
            return [result?.verdict.rawValue ?? "fail"] + Array(repeating: "", count: validationColumns.count - 1)
        }
        return [
            result.verdict.rawValue, "\(s.luminance.mean)", "\(s.luminance.standardDeviation)",
            "\(s.luminance.rmsContrast)",
            "\(s.luminance.michelsonContrast)", "\(s.clippedAtMinimum + s.clippedAtMaximum)", "\(s.histogramDistance)",
            "\(s.spectrumSlope)",
            "\(s.spectrumDistance)", "\(s.copyCorrelation)", "\(s.duplicateCorrelation)",
            s.gramLoss.map { "\($0.total)" } ?? "",
            s.chroma.map { "\($0)" } ?? "",
        ]
    }

    static func quote(_ value: String) -> String {
        value.contains(where: { ",\"\n".contains($0) })
            ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }
}
