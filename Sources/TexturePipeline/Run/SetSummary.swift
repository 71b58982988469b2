// SetSummary: what a set folder holds, read from its files: stimuli per source × condition, verdicts, failures, CPU time.
//
// Read-only and cheap: the sidecars (`<source>/<condition>/<id>.json` next to their PNGs),
// index.json (the set's name and job count), the manifest if it can be found (for the expected
// count of every source × condition) and validation.json if the set was validated. Nothing is
// synthesised, decoded or re-measured; `texstim validate` does that. Rendered by SetSummary+Text.

import Foundation
import TextureImages

public struct SetSummary: Codable, Sendable, Equatable {
    /// One source × condition: the stimuli done (PNG + readable sidecar) and the manifest's samples.
    public struct Cell: Codable, Sendable, Equatable {
        public var source: String
        public var condition: String
        public var done: Int
        /// nil when the manifest was not found.
        public var expected: Int?
    }

    /// A stimulus whose sidecar says it did not converge (kept for inspection, not for use).
    public struct Unconverged: Codable, Sendable, Equatable {
        public var jobId: String
        public var problem: String
    }

    public var set: String
    public var folder: String
    /// The manifest that gave the expected counts; nil when it was not found where recorded.
    public var manifest: String?
    public var cells: [Cell]
    public var done: Int
    /// index.json's job count (all shards).
    public var expected: Int?
    /// validation.json's set verdict and stimuli per verdict (pass, warn, fail); nil when not validated.
    public var verdict: String?
    public var verdicts: [String: Int]?
    public var notConverged: [Unconverged]
    /// Sum of the sidecars' `timing.cpu_seconds` (the synthesis's CPU time, one thread each), or
    /// `timing.seconds` (wall time) for a record without it.
    public var cpuSeconds: Double

    /// Reads the summary of the set in `folder`.
    /// - Throws: `.notASet` when the folder does not exist or has no readable index.json.
    public static func read(folder: String) throws(PipelineError) -> SetSummary {
        var isDirectory: ObjCBool = false
        let hint = "pass the folder `texstim run` wrote (stimuli/<set name> by default, or the manifest's output)"
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notASet(path: folder, problem: "no such folder", hint: hint)
        }
        let indexPath = (folder as NSString).appendingPathComponent("index.json")
        guard let data = FileManager.default.contents(atPath: indexPath) else {
            throw .notASet(
                path: folder, problem: "it has no index.json",
                hint: hint + "; `texstim run MANIFEST` writes index.json when it ends")
        }
        guard let index = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let name = index["set"] as? String
        else {
            throw .notASet(
                path: folder, problem: "index.json is not a JSON object with a \"set\" name",
                hint: "rerun `texstim run MANIFEST` (it skips finished stimuli and rewrites the index)")
        }
        let manifest = locateManifest(index: index, folder: folder)
        let records = sidecars(in: folder)
        var summary = SetSummary(
            set: name, folder: folder, manifest: manifest?.path, cells: [], done: records.count,
            expected: index["jobs"] as? Int, verdict: nil, verdicts: nil, notConverged: [], cpuSeconds: 0)
        summary.cells = cells(records: records, manifest: manifest)
        summary.cpuSeconds = records.compactMap { $0.timing.map { $0.cpuSeconds ?? $0.seconds } }.reduce(0, +)
        summary.notConverged = records.compactMap { record in
            record.convergenceProblem.map { Unconverged(jobId: record.job?.id ?? "?", problem: $0) }
        }.sorted { $0.jobId < $1.jobId }
        (summary.verdict, summary.verdicts) = verdicts(folder: folder)
        return summary
    }

    /// The manifest recorded in index.json, if it is where recorded (or relative to the set) and parses.
    static func locateManifest(index: [String: Any], folder: String) -> Manifest? {
        guard let recorded = index["manifest"] as? String,
            let path = try? FileLocator().locate(
                "manifest", recorded: recorded, relative: index["manifest_from_set"] as? String,
                folder: folder, sha256: index["manifest_sha256"] as? String)
        else { return nil }
        return try? ManifestReader.read(path: path)
    }

    /// Every sidecar at `<source>/<condition>/<id>.json` whose PNG exists and that decodes with its job.
    static func sidecars(in folder: String) -> [StimulusRecord] {
        let files = FileManager.default
        func folders(_ path: String) -> [String] {
            ((try? files.contentsOfDirectory(atPath: path)) ?? []).filter { name in
                var isDirectory: ObjCBool = false
                let full = (path as NSString).appendingPathComponent(name)
                return !name.hasPrefix(".") && files.fileExists(atPath: full, isDirectory: &isDirectory)
                    && isDirectory.boolValue
            }.sorted()
        }
        var records: [StimulusRecord] = []
        for source in folders(folder) {
            let sourceFolder = (folder as NSString).appendingPathComponent(source)
            for condition in folders(sourceFolder) {
                let conditionFolder = (sourceFolder as NSString).appendingPathComponent(condition)
                let names = ((try? files.contentsOfDirectory(atPath: conditionFolder)) ?? []).filter {
                    $0.hasSuffix(".json")
                }
                .sorted()
                for name in names {
                    let sidecar = (conditionFolder as NSString).appendingPathComponent(name)
                    let png = (sidecar as NSString).deletingPathExtension + ".png"
                    guard files.fileExists(atPath: png),
                        let text = try? String(contentsOfFile: sidecar, encoding: .utf8),
                        let record = try? StimulusRecord.decode(text), record.job != nil
                    else { continue }
                    records.append(record)
                }
            }
        }
        return records
    }

    /// Done per source × condition: the manifest's cells in its order (expected = samples), then
    /// any other cell found on disk (expected nil), sorted.
    static func cells(records: [StimulusRecord], manifest: Manifest?) -> [Cell] {
        var counts: [String: Int] = [:]
        for record in records {
            guard let job = record.job else { continue }
            counts[job.sourceId + "\u{0}" + job.condition, default: 0] += 1
        }
        var result: [Cell] = []
        for source in manifest?.sources ?? [] {
            for condition in manifest?.conditions ?? [] {
                let key = source.id + "\u{0}" + condition.name
                result.append(
                    Cell(
                        source: source.id, condition: condition.name, done: counts.removeValue(forKey: key) ?? 0,
                        expected: manifest?.samples))
            }
        }
        for (key, done) in counts.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
            result.append(Cell(source: parts[0], condition: parts.count > 1 ? parts[1] : "", done: done, expected: nil))
        }
        return result
    }

    /// validation.json's set verdict and its stimuli counted per verdict; (nil, nil) when absent or unreadable.
    static func verdicts(folder: String) -> (String?, [String: Int]?) {
        guard
            let data = FileManager.default.contents(
                atPath: (folder as NSString).appendingPathComponent("validation.json")),
            let report = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return (nil, nil) }
        var counts: [String: Int] = [:]
        for stimulus in report["stimuli"] as? [[String: Any]] ?? [] {
            if let verdict = stimulus["verdict"] as? String { counts[verdict, default: 0] += 1 }
        }
        return (report["verdict"] as? String, counts)
    }
}
