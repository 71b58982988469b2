// BIDSStimuli: stimuli.tsv and stimuli.json, the set's stimulus catalogue in the form the BIDS stimuli proposal asks for.
//
// BEP044 (the BIDS stimuli extension, draft) keeps a dataset's stimuli in `stimuli/` with a
// `stimuli.tsv` catalogue (first column `stimulus_id` = `stim-<label>`, then `type`; further
// columns described in `stimuli.json`) and a `filename` column for the file, relative to
// `stimuli/`. A set folder copied to `<dataset>/stimuli/` is such a folder as it stands.
// Written beside index.csv at the end of every run, from the same finished sidecars, atomically.
// Not for: index.csv (PsychoPy's conditions file, SetIndex), which keeps its own columns.

import Foundation
import TextureImages
import TextureValidation

public enum BIDSStimuli {
    /// The columns of stimuli.tsv, in order: the proposal's (`stimulus_id` and `type` first), then texstim's.
    public static let columns = [
        "stimulus_id", "type", "description", "filename", "job_id", "source", "condition", "sample", "seed", "model",
        "layers",
    ]
    /// Added when the run validated the set.
    public static let validationColumn = "verdict"
    /// BIDS's marker for a missing value in a TSV file.
    public static let missing = "n/a"

    /// `stimuli.tsv` and `stimuli.json` for the set folder (their paths and bytes; SetIndex writes
    /// them): one row per listed stimulus (in plan order), and a description of every column.
    /// - Throws: `.tableValue` when a value holds a tab or line break (BIDS TSV has no quoting),
    ///   `.image` when the JSON cannot be encoded.
    public static func files(
        stimuli: [(job: StimulusJob, record: StimulusRecord)], plan: SetPlan,
        validation: ValidationReport?
    ) throws(PipelineError) -> [(path: String, data: Data)] {
        let header = validation == nil ? columns : columns + [validationColumn]
        let verdicts = Dictionary(
            (validation?.stimuli ?? []).map { ($0.jobId, $0.verdict.rawValue) },
            uniquingKeysWith: { a, _ in a })
        let ids = stimulusIDs(plan.jobs.map(\.id))
        let rows = stimuli.map { job, record in
            values(job: job, record: record, stimulusID: ids[job.id] ?? missing)
                + (validation == nil ? [] : [verdicts[job.id] ?? ""])
        }
        let tsvPath = (plan.outputFolder as NSString).appendingPathComponent("stimuli.tsv")
        let text = try table(header: header, rows: rows, file: tsvPath)
        let document = sidecar(plan: plan, validated: validation != nil)
        let jsonPath = (plan.outputFolder as NSString).appendingPathComponent("stimuli.json")
        do { return [(tsvPath, Data(text.utf8)), (jsonPath, try ImageFile.jsonData(document, for: jsonPath))] } catch {
            throw .image(error)
        }
    }

    /// One row's values for `columns` (empty strings become `n/a` in `table`).
    static func values(job: StimulusJob, record: StimulusRecord, stimulusID: String) -> [String] {
        let layers = record.layers.map(\.layer).joined(separator: "+")
        let description =
            "texture synthesised from source \(job.sourceId), condition \(job.condition) "
            + "(\(record.model.name) layers \(layers)), sample \(job.sample)"
        return [
            stimulusID, "image", description, job.relativePNGPath, job.id, job.sourceId, job.condition, "\(job.sample)",
            "\(job.parameters.seed)", record.model.name, layers,
        ]
    }

    /// The TSV text: a header line and one line per row, fields joined by tabs, every line
    /// ending in "\n"; an empty value is written `n/a`. A value holding a tab, "\n" or "\r" is
    /// refused, not escaped: BIDS TSV has no quoting or escapes, so any rewriting would change
    /// the value a reader gets. (No manifest that `ManifestReader` accepts can produce one: ids,
    /// names and layers are safe names and the description is built from them.)
    public static func table(header: [String], rows: [[String]], file: String) throws(PipelineError) -> String {
        var lines = [header.joined(separator: "\t")]
        for row in rows {
            for (column, value) in zip(header, row)
            where value.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
                throw .tableValue(file: file, column: column, row: row.first ?? "", value: value)
            }
            lines.append(row.map { $0.isEmpty ? missing : $0 }.joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `stim-<label>` for each job id: the id's parts (split at every character that is not an
    /// ASCII letter or digit) joined with each part after the first capitalised, since a BIDS
    /// label is alphanumeric: `maple-leaves__fine__s00` → `stim-mapleLeavesFineS00`. Ids that
    /// would coincide get `x2`, `x3`, … in plan order; computed over all planned jobs, so a
    /// stimulus keeps its id whichever of the others have finished.
    public static func stimulusIDs(_ jobIDs: [String]) -> [String: String] {
        var result: [String: String] = [:], taken: [String: Int] = [:]
        for id in jobIDs {
            let parts = id.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }).map(String.init)
            let label = parts.enumerated().map { index, part in
                index == 0 ? part : part.prefix(1).uppercased() + part.dropFirst()
            }
            .joined()
            var candidate = "stim-" + label
            if let count = taken[candidate] {
                taken[candidate] = count + 1
                candidate += "x\(count + 1)"
            }
            taken[candidate, default: 0] += 1
            result[id] = candidate
        }
        return result
    }

    /// stimuli.json: every column of stimuli.tsv with a `Description` (BIDS sidecar style), and
    /// `Levels` for the closed ones (type, source, condition, model, verdict).
    static func sidecar(plan: SetPlan, validated: Bool) -> [String: Any] {
        var conditions: [String: String] = [:], models: [String: String] = [:]
        for job in plan.jobs where conditions[job.condition] == nil {
            conditions[job.condition] = "layers " + (job.parameters.layers ?? []).joined(separator: "+")
        }
        for job in plan.jobs {
            models[job.parameters.model.rawValue] =
                "texture model \(job.parameters.model.rawValue) (see the sidecar's model block)"
        }
        let sources = Dictionary(
            plan.manifest.sources.map { ($0.id, "source image \($0.path) (as the manifest names it)") },
            uniquingKeysWith: { a, _ in a })
        var document: [String: Any] = [
            "stimulus_id": [
                "LongName": "Stimulus identifier",
                "Description": "stim-<label>: the job id with its separators removed and each part after the first "
                    + "capitalised (BIDS labels are alphanumeric). Refer to it from events.tsv's stim_id column.",
            ],
            "type": ["Description": "The kind of stimulus.", "Levels": ["image": "a still image"]],
            "description": ["Description": "What the stimulus is, in words."],
            "filename": [
                "Description": "The stimulus PNG, relative to this file's folder (the dataset's stimuli/ folder "
                    + "once the set is placed there). Its provenance is the JSON sidecar of the same name."
            ],
            "job_id": ["Description": "texstim's job id, <source>__<condition>__s<sample>; the job_id of index.csv."],
            "source": ["Description": "The id of the source texture in the manifest.", "Levels": sources],
            "condition": [
                "Description": "The condition: which texture statistics were matched.", "Levels": conditions,
            ],
            "sample": ["Description": "The sample index within the source × condition (0-based)."],
            "seed": [
                "Description": "The stimulus's random seed, from the set seed, the source id and the sample index."
            ],
            "model": ["Description": "The texture model whose statistics were matched.", "Levels": models],
            "layers": ["Description": "The model layers whose Gram matrices were matched, joined with '+'."],
        ]
        if validated {
            document[validationColumn] = [
                "Description": "texstim validate's verdict (n/a: not in the validation report).",
                "Levels": [
                    "pass": "every check passed", "warn": "a check passed its warning threshold",
                    "fail": "a check failed; do not use the stimulus",
                ],
            ]
        }
        return document
    }
}
