// SetIndex: index.csv (a PsychoPy conditions file) and index.json, assembled from the sidecars.
//
// Written at the end of every run from whatever finished sidecars exist, never appended to by
// concurrent workers; each file is replaced atomically.

import Foundation

public enum SetIndex {
    public static let columns = [
        "stimulus", "job_id", "source", "condition", "sample", "seed", "model", "layers", "iterations", "evaluations",
        "loss_initial", "loss_final", "loss_after_histogram_match", "width", "height", "channels", "bit_depth", "grey",
        "histogram_match", "source_sha256",
    ]

    /// Writes both files; returns the number of stimuli listed.
    @discardableResult
    public static func write(plan: SetPlan) throws(PipelineError) -> Int {
        var rows: [[String]] = []
        var entries: [[String: Any]] = []
        for job in plan.jobs {
            let png = (plan.outputFolder as NSString).appendingPathComponent(job.relativePNGPath)
            guard FileManager.default.fileExists(atPath: png),
                  let text = try? String(contentsOfFile: SynthesisJob.sidecarPath(for: png), encoding: .utf8),
                  let record = try? StimulusRecord.decode(text), record.job?.parameters == job.parameters else { continue }
            let row = values(job: job, record: record)
            rows.append(row)
            entries.append(Dictionary(uniqueKeysWithValues: zip(columns, row)))
        }
        let csv = ([columns] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
        try ImageFile.writeAtomically(Data(csv.utf8), to: (plan.outputFolder as NSString).appendingPathComponent("index.csv"))
        let document: [String: Any] = ["set": plan.manifest.name, "manifest": plan.manifest.path, "manifest_sha256": plan.manifest.sha256,
                                       "jobs": plan.jobs.count, "stimuli": entries]
        let json = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        try ImageFile.writeAtomically(json + Data("\n".utf8), to: (plan.outputFolder as NSString).appendingPathComponent("index.json"))
        return rows.count
    }

    static func values(job: StimulusJob, record: StimulusRecord) -> [String] {
        [job.relativePNGPath, job.id, job.sourceId, job.condition, "\(job.sample)", "\(job.parameters.seed)", record.model.name,
         record.layers.map(\.layer).joined(separator: "+"), "\(record.iterations)", "\(record.evaluations)",
         "\(record.loss.initial.total)", "\(record.loss.final.total)", record.loss.afterHistogramMatching.map { "\($0.total)" } ?? "",
         "\(record.output.width)", "\(record.output.height)", "\(record.output.channels)", "\(record.output.bitDepth)",
         "\(job.parameters.grey)", "\(job.parameters.histogramMatch)", record.source.sha256]
    }

    static func quote(_ value: String) -> String {
        value.contains(where: { ",\"\n".contains($0) }) ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }
}
