// ManifestReader: YAML file → Manifest, strictly: unknown keys, wrong types and bad values are errors.
//
// Schema (version 1), keys in snake_case:
//   version: 1                      name: set name (filename-safe)      seed: set seed (integer ≥ 0)
//   output: folder (relative to the current directory; default stimuli/<name>)
//   defaults: {model, weights, size, output_size, crop, grey, iterations, histogram_match,
//              bit_depth, init: shared | per-condition, allow_unverified_weights,
//              n_scales, n_orientations, spatial_corr_width, statistics (portilla-simoncelli only)}
//   sources: [{id, path, grey} | {glob, grey}]  paths relative to the manifest file; grey (optional)
//            decides grey or colour for that source in every condition
//   conditions: [{name, preset} | {name, layers, layer_weights}] + spectrum_weight + any defaults key as override
//               (ManifestReader+Conditions.swift)
//   samples: syntheses per source × condition
//   postprocess: {equalize: {mean_luminance, rms_contrast, clipping}, window: {shape, radius | size, ramp,
//                 background}} (ManifestReader+Window.swift)
//   validate: {…} reserved for the validators (must be a mapping)

import Foundation
import TextureCore
import TextureImages
import TextureSynthesis
import TextureValidation
import Yams

public enum ManifestReader {
    static let topKeys = [
        "version", "name", "seed", "output", "defaults", "sources", "conditions", "samples", "postprocess", "validate",
    ]
    static let settingKeys = [
        "model", "weights", "size", "output_size", "crop", "grey", "iterations", "histogram_match", "bit_depth", "init",
        "stopping", "allow_unverified_weights", "n_scales", "n_orientations", "spatial_corr_width",
        "statistics",
    ]
    static let maximumFileBytes = 1 << 20

    /// Reads and checks the manifest's syntax and types (not yet the files it names).
    public static func read(path: String) throws(PipelineError) -> Manifest {
        let data: Data
        do { data = try ImageFile.readFile(path: path, role: "manifest") } catch { throw .image(error) }
        return try read(data: data, path: path)
    }

    /// Reads manifest bytes already in memory; `path` names them in messages, and relative
    /// source paths and globs are resolved against its folder.
    public static func read(data: Data, path: String) throws(PipelineError) -> Manifest {
        var fields = YAMLFields(file: path)
        guard data.count <= maximumFileBytes else {
            fields.report(nil, "", "file is \(data.count) bytes, more than the \(maximumFileBytes) a manifest may have")
            throw .manifest(ManifestError(issues: fields.issues))
        }
        // Editors on Windows write a UTF-8 byte-order mark; it is not part of the YAML.
        let text = String(decoding: data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data, as: UTF8.self)
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            if let yaml = error as? YamlError, case .duplicatedKeysInMapping = yaml,
                let issues = YAMLDuplicateKeys.issues(text: text, firstError: yaml, file: path)
            {
                throw .manifest(ManifestError(issues: issues))
            }
            throw .manifest(ManifestError(issues: [yamlIssue(error, file: path)]))
        }
        guard let root, fields.withinLimit(root) else {
            if fields.issues.isEmpty {
                fields.report(nil, "", "the manifest is empty", hint: "see manifests/demo.yaml for a template")
            }
            throw .manifest(ManifestError(issues: fields.issues))
        }
        let manifest = parse(root, fields: &fields, path: path, sha256: SHA256.hex(data))
        guard fields.issues.isEmpty, let manifest else { throw .manifest(ManifestError(issues: fields.issues)) }
        return manifest
    }

    static func yamlIssue(_ error: Error, file: String) -> ManifestIssue {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                return ManifestIssue(
                    file: file, line: mark.line, column: mark.column, keyPath: "",
                    message: "YAML syntax error: \(problem)",
                    hint: "check indentation and quoting near this line")
            case .duplicatedKeysInMapping(let duplicates, let context):
                // Only when YAMLDuplicateKeys cannot place the repeat: name the first occurrence.
                return ManifestIssue(
                    file: file, line: context.mark.line, column: context.mark.column, keyPath: "",
                    message:
                        "duplicate key \(duplicates.map { $0 == "<uncovertable>" ? "(a list or mapping used as a key)" : "'\($0)'" }.joined(separator: ", ")): given here and again later in this mapping",
                    hint: "each key may appear once per mapping; remove or merge the repeats")
            default: break
            }
        }
        return ManifestIssue(
            file: file, line: 0, column: 0, keyPath: "", message: "cannot parse YAML: \(error)", hint: nil)
    }

    static func parse(_ root: Node, fields: inout YAMLFields, path: String, sha256: String) -> Manifest? {
        guard let top = fields.mapping(root, "", allowed: topKeys) else { return nil }
        for key in ["version", "name", "seed", "sources", "conditions", "samples"] where top[key] == nil {
            fields.report(root, key, "required key is missing", hint: "see manifests/demo.yaml for a template")
        }
        if let version = top["version"], let value = fields.integer(version, "version", minimum: 1),
            value != Manifest.currentVersion
        {
            fields.report(
                version, "version", "unsupported manifest version \(value)",
                hint: "this texstim reads version \(Manifest.currentVersion)")
        }
        let name = top["name"].flatMap { fields.string($0, "name") }
        if let name, let node = top["name"] { checkSafeName(name, node, "name", &fields) }
        let seed = top["seed"].flatMap { fields.unsigned($0, "seed") }
        let output = top["output"].flatMap { fields.string($0, "output") }
        if let output, let node = top["output"] { checkOutput(output, node, &fields) }
        let defaults =
            top["defaults"].flatMap { node in
                fields.mapping(node, "defaults", allowed: settingKeys).map { settings($0, "defaults", &fields) }
            } ?? ManifestSettings()
        let folder = (path as NSString).deletingLastPathComponent
        let sources = top["sources"].map { ManifestSources.parse($0, folder: folder, fields: &fields) } ?? []
        let conditions = top["conditions"].map { conditionList($0, &fields) } ?? []
        checkGreyChoices(sources: sources, conditions: conditions, &fields)
        let samples = top["samples"].flatMap { fields.integer($0, "samples", minimum: 1, maximum: 10_000) }
        let validation = top["validate"].map { thresholds($0, &fields) } ?? [:]
        let postprocess = top["postprocess"].flatMap {
            fields.mapping($0, "postprocess", allowed: ["equalize", "window"])
        }
        let equalization = postprocess?["equalize"].flatMap { equalizationBlock($0, &fields) }
        let window = postprocess?["window"].flatMap { windowBlock($0, &fields) }
        guard let name, let seed, let samples else { return nil }
        var manifest = Manifest(
            path: path, sha256: sha256, version: Manifest.currentVersion, name: name, seed: seed, output: output,
            defaults: defaults, sources: sources, conditions: conditions, samples: samples, equalization: equalization,
            validation: validation)
        manifest.window = window
        manifest.windowMark = postprocess?["window"].map { fields.mark($0) }
        return manifest
    }

    /// `postprocess.equalize: {mean_luminance: m, rms_contrast: c, clipping: fail | clip}`.
    static func equalizationBlock(_ equalize: Node, _ fields: inout YAMLFields) -> Equalization? {
        guard
            let entries = fields.mapping(
                equalize, "postprocess.equalize", allowed: ["mean_luminance", "rms_contrast", "clipping"])
        else { return nil }
        for key in ["mean_luminance", "rms_contrast"] where entries[key] == nil {
            fields.report(equalize, "postprocess.equalize.\(key)", "required key is missing")
        }
        let mean = entries["mean_luminance"].flatMap { fields.number($0, "postprocess.equalize.mean_luminance") }
        let contrast = entries["rms_contrast"].flatMap { fields.number($0, "postprocess.equalize.rms_contrast") }
        if let mean, !(mean > 0 && mean < 1), let node = entries["mean_luminance"] {
            fields.report(node, "postprocess.equalize.mean_luminance", "expected a value between 0 and 1, got \(mean)")
        }
        if let contrast, let node = entries["rms_contrast"] {
            // SD ≤ sqrt(m(1 − m)) for values in [0, 1] with mean m: a larger target fails (or is
            // clamped away from) every stimulus, so it is refused here, not job by job.
            let limit = mean.map { ($0 > 0 && $0 < 1) ? ((1 - $0) / $0).squareRoot() : Double.infinity } ?? .infinity
            if !(contrast > 0 && contrast <= limit) {
                let bound =
                    limit.isFinite
                    ? String(
                        format:
                            " and at most %.4g (the largest RMS contrast of an image in [0, 1] with mean luminance %g: sqrt((1 − m)/m))",
                        limit, mean ?? 0) : ""
                fields.report(
                    node, "postprocess.equalize.rms_contrast", "expected a value above 0\(bound), got \(contrast)",
                    hint: "RMS contrast is SD / mean of the luma; natural images lie around 0.1–0.6")
            }
        }
        var clipping = Equalization.Clipping.fail
        if let node = entries["clipping"], let text = fields.string(node, "postprocess.equalize.clipping") {
            if let policy = Equalization.Clipping(rawValue: text) {
                clipping = policy
            } else {
                fields.report(node, "postprocess.equalize.clipping", "expected fail or clip, got '\(text)'")
            }
        }
        guard let mean, let contrast else { return nil }
        return Equalization(meanLuminance: mean, rmsContrast: contrast, clipping: clipping)
    }

    /// `validate: {statistic: {warn: x, fail: y}, …}`.
    static func thresholds(_ node: Node, _ fields: inout YAMLFields) -> [String: Threshold] {
        guard let entries = fields.mapping(node, "validate", allowed: ValidationThresholds.names) else { return [:] }
        var result: [String: Threshold] = [:]
        for (name, value) in entries {
            guard let limits = fields.mapping(value, "validate.\(name)", allowed: ["warn", "fail"]) else { continue }
            let warn = limits["warn"].flatMap { fields.number($0, "validate.\(name).warn") }
            let fail = limits["fail"].flatMap { fields.number($0, "validate.\(name).fail") }
            if let warn, let fail, warn > fail {
                fields.report(
                    value, "validate.\(name)", "warn \(warn) is above fail \(fail)", hint: "warn must not exceed fail")
            }
            result[name] = Threshold(warn: warn, fail: fail)
        }
        return result
    }

    static func settings(_ entries: [String: Node], _ path: String, _ fields: inout YAMLFields) -> ManifestSettings {
        var result = ManifestSettings()
        if let node = entries["model"], let model = fields.string(node, "\(path).model") {
            result.model = ModelName(rawValue: model)
            if result.model == nil {
                fields.report(
                    node, "\(path).model", "unknown model '\(model)'",
                    hint: "choose from \(ModelName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        result.weights = entries["weights"].flatMap { fields.string($0, "\(path).weights") }
        result.size = entries["size"].flatMap {
            fields.integer(
                $0, "\(path).size", minimum: 16, maximum: ImageFile.defaultMaxSide,
                hint: "the side in pixels of the prepared source")
        }
        result.outputSize = entries["output_size"].flatMap {
            fields.integer($0, "\(path).output_size", minimum: 16, maximum: ImageFile.defaultMaxSide)
        }
        result.crop = entries["crop"].flatMap { fields.boolean($0, "\(path).crop") }
        result.grey = entries["grey"].flatMap { fields.boolean($0, "\(path).grey") }
        result.iterations = entries["iterations"].flatMap {
            fields.integer($0, "\(path).iterations", minimum: 1, maximum: 100_000)
        }
        result.histogramMatch = entries["histogram_match"].flatMap { fields.boolean($0, "\(path).histogram_match") }
        result.allowUnverifiedWeights = entries["allow_unverified_weights"].flatMap {
            fields.boolean($0, "\(path).allow_unverified_weights")
        }
        if let node = entries["bit_depth"], let depth = fields.integer(node, "\(path).bit_depth", minimum: 1) {
            if depth == 8 || depth == 16 {
                result.bitDepth = depth
            } else {
                fields.report(node, "\(path).bit_depth", "expected 8 or 16, got \(depth)")
            }
        }
        if let node = entries["init"], let text = fields.string(node, "\(path).init") {
            result.initMode = InitMode(rawValue: text)
            if result.initMode == nil {
                fields.report(node, "\(path).init", "expected shared or per-condition, got '\(text)'")
            }
        }
        result.stopping = entries["stopping"].flatMap { stoppingBlock($0, "\(path).stopping", &fields) }
        portillaSimoncelliSettings(entries, path, &fields, into: &result)
        return result
    }

    /// `n_scales`, `n_orientations`, `spatial_corr_width` (integers; the size rules are the
    /// planner's) and `statistics` (plenoptic's group names, each once).
    static func portillaSimoncelliSettings(
        _ entries: [String: Node], _ path: String, _ fields: inout YAMLFields,
        into result: inout ManifestSettings
    ) {
        result.nScales = entries["n_scales"].flatMap { fields.integer($0, "\(path).n_scales", minimum: 1, maximum: 12) }
        result.nOrientations = entries["n_orientations"].flatMap {
            fields.integer($0, "\(path).n_orientations", minimum: 2, maximum: 16)
        }
        result.spatialCorrWidth = entries["spatial_corr_width"].flatMap {
            fields.integer($0, "\(path).spatial_corr_width", minimum: 1, maximum: 1024)
        }
        guard let node = entries["statistics"], let names = fields.strings(node, "\(path).statistics") else { return }
        let groups = PortillaSimoncelliSettings.groupNames
        for name in names where !groups.contains(name) {
            fields.report(
                node, "\(path).statistics", "unknown statistic group '\(name)'",
                hint: "choose from \(groups.joined(separator: ", ")) (plenoptic's names)")
        }
        if names.isEmpty {
            fields.report(
                node, "\(path).statistics", "the list is empty, so the loss would be 0",
                hint: "select at least one group, or drop statistics to match all")
        }
        if Set(names).count != names.count {
            fields.report(node, "\(path).statistics", "a group is named twice", hint: "name each group once")
        }
        result.statistics = names
    }

    /// `stopping: {window: N, relative_change: r, loss_target: L}`: window and relative_change
    /// go together; either rule may be given alone.
    static func stoppingBlock(_ node: Node, _ path: String, _ fields: inout YAMLFields) -> StoppingRules? {
        guard let entries = fields.mapping(node, path, allowed: ["window", "relative_change", "loss_target"]) else {
            return nil
        }
        var rules = StoppingRules()
        rules.window = entries["window"].flatMap { fields.integer($0, "\(path).window", minimum: 1, maximum: 100_000) }
        rules.relativeChange = entries["relative_change"].flatMap { fields.number($0, "\(path).relative_change") }
        rules.lossTarget = entries["loss_target"].flatMap { fields.number($0, "\(path).loss_target") }
        if let change = rules.relativeChange, !(change > 0 && change < 1), let node = entries["relative_change"] {
            fields.report(node, "\(path).relative_change", "expected a fraction between 0 and 1, got \(change)")
        }
        if let target = rules.lossTarget, !(target >= 0 && target.isFinite), let node = entries["loss_target"] {
            fields.report(node, "\(path).loss_target", "expected a loss ≥ 0, got \(target)")
        }
        if (rules.window == nil) != (rules.relativeChange == nil) {
            fields.report(
                node, path, "window and relative_change go together",
                hint: "give both, e.g. {window: 50, relative_change: 0.001}")
        }
        return rules.isEmpty ? nil : rules
    }

    /// Names and source ids become folder and file names, so one rule holds for all of them
    /// (explicit ids and glob stems alike): 1–80 ASCII letters, digits, '-', '_' and '.', not
    /// starting with '.', and no '__' (it separates the parts of a job id).
    static func isSafeName(_ name: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        return !name.isEmpty && !name.hasPrefix(".") && name.allSatisfy(allowed.contains) && !name.contains("__")
            && name.count <= 80
    }

    static let safeNameRule =
        "use 1–80 letters, digits, '-', '_' or '.', no leading '.', and no '__' (it separates job id parts)"

    static func checkSafeName(_ name: String, _ node: Node, _ path: String, _ fields: inout YAMLFields) {
        if !isSafeName(name) { fields.report(node, path, "'\(name)' is not a safe file name", hint: safeNameRule) }
    }

    /// The output folder must stay inside the current directory: relative, no '..'.
    static func checkOutput(_ output: String, _ node: Node, _ fields: inout YAMLFields) {
        let parts = output.split(separator: "/")
        if output.hasPrefix("/") || output.hasPrefix("~") || parts.contains("..") || parts.isEmpty {
            fields.report(
                node, "output", "'\(output)' leaves the output root",
                hint: "use a relative folder without '..', e.g. stimuli/my-set; pass --output for another place")
        }
    }
}
