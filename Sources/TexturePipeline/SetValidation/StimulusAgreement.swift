// StimulusAgreement: does a stimulus's PNG, its sidecar, its own record and its set's manifest agree?
//
// The sidecar records the SHA-256 of the PNG's bytes (a PNG cannot hold its own hash), so a
// truncated or replaced PNG is caught even when it is another valid texstim PNG; the PNG's
// embedded provenance must equal the sidecar's (minus timing and that hash); and the record's own
// settings must be the ones its parameters say (an edited `seed` is caught). Resume, validate
// and reproduce all ask here; each disagreement names the file and the field.

import Foundation
import TextureCore
import TextureImages

public enum StimulusAgreement {
    /// One disagreement: which file, which field, and both values.
    public struct Disagreement: Error, Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var field: String
        public var message: String
        public var description: String { "\(file): \(field): \(message)" }
    }

    /// True when `data` (the bytes at `path`) is the PNG that `sidecar` describes.
    public static func pngMatchesSidecar(_ data: Data, path: String, sidecar: StimulusRecord) -> Bool {
        guard pngAgainstSidecar(data, path: path, sidecar: sidecar, sidecarPath: "").isEmpty else { return false }
        // A sidecar written before the hash existed: the file must at least decode in full.
        return sidecar.pngSha256 != nil
            || (try? PNGFile.decode(data, path: path, maxSide: ImageFile.defaultMaxSide)) != nil
    }

    /// The sidecar of a PNG, or why there is no usable one.
    public static func sidecar(of pngPath: String) -> Result<StimulusRecord, Disagreement> {
        let path = SynthesisJob.sidecarPath(for: pngPath)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .failure(
                Disagreement(
                    file: path, field: "sidecar",
                    message: "missing or unreadable (every stimulus has one; rerun texstim run)"))
        }
        do { return .success(try StimulusRecord.decode(text)) } catch {
            return .failure(
                Disagreement(file: path, field: "sidecar", message: "not a texstim provenance record (\(error))"))
        }
    }

    /// The PNG's hash and embedded provenance against the sidecar's.
    public static func pngAgainstSidecar(
        _ data: Data, path: String, sidecar: StimulusRecord, sidecarPath: String
    ) -> [Disagreement] {
        var found: [Disagreement] = []
        if let recorded = sidecar.pngSha256 {
            let actual = SHA256.hex(data)
            if actual != recorded {
                found.append(
                    Disagreement(
                        file: path, field: "png_sha256",
                        message: "the file's SHA-256 is \(actual.prefix(16))…, its sidecar "
                            + "records \(recorded.prefix(16))… (the PNG was replaced, edited or truncated after it was written)"
                    ))
            }
        }
        guard let text = PNGFile.provenanceText(data), let embedded = try? StimulusRecord.decode(text) else {
            return found + [
                Disagreement(file: path, field: "provenance", message: "no readable texstim provenance in the PNG")
            ]
        }
        var expected = sidecar
        expected.timing = nil
        expected.pngSha256 = nil
        for difference in differences(embedded, expected) {
            found.append(
                Disagreement(
                    file: path, field: difference.field,
                    message:
                        "the PNG's provenance says \(difference.a), the sidecar \(sidecarPath) says \(difference.b)"))
        }
        return found
    }

    /// Fields of a record that contradict its own parameters (a record edited by hand). A
    /// format-1 record's parameters are translated (see StimulusParameters+FormatOne.swift).
    public static func selfContradictions(_ record: StimulusRecord, file: String) -> [Disagreement] {
        let p: StimulusParameters
        do { p = try record.stimulusParameters() } catch {
            return [Disagreement(file: file, field: "parameters", message: error.description)]
        }
        func text<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "none" }
        var pairs: [(String, String, String)] = [
            ("seed", "\(record.seed)", "\(p.seed)"),
            ("model.name", record.model.name, p.model.rawValue),
            ("model.weights_sha256", text(record.model.weightsSha256), text(p.weightsSha256)),
            ("layers", record.layers.map(\.layer).joined(separator: ","), (p.layers ?? []).joined(separator: ",")),
            ("spectrum_weight", text(record.spectrumWeight), text(p.spectrumWeight)),
            ("preparation.size", text(record.preparation.size), text(p.size)),
            ("preparation.crop", record.preparation.crop, p.cropDescription),
            ("optimizer.start", record.optimizer.start, p.startDescription),
            ("preparation.grey", "\(record.preparation.grey)", "\(p.grey)"),
            ("output.requested_size", text(record.output.requestedSize), text(p.outputSize)),
            ("output.bit_depth", "\(record.output.bitDepth)", "\(p.bitDepth)"),
            ("optimizer.max_iterations", "\(record.optimizer.maxIterations)", "\(p.iterations)"),
            ("optimizer.memory", "\(record.optimizer.memory)", "\(p.optimizer.memory)"),
            ("optimizer.factr", "\(record.optimizer.factr)", "\(p.optimizer.factr)"),
            ("optimizer.pgtol", "\(record.optimizer.pgtol)", "\(p.optimizer.pgtol)"),
            ("optimizer.stopping", text(record.optimizer.stopping), text(p.stopping.isEmpty ? nil : p.stopping)),
            ("postprocessing.histogram_match", "\(record.postprocessing.histogramMatch)", "\(p.histogramMatch)"),
            ("postprocessing.equalize", text(record.postprocessing.equalize), text(p.equalize)),
            ("postprocessing.window", text(record.postprocessing.window), text(p.window)),
        ]
        if let weights = p.layerWeights {
            pairs.append(
                (
                    "layers.weight", record.layers.map { "\($0.weight)" }.joined(separator: ","),
                    weights.map { "\($0)" }.joined(separator: ",")
                ))
        }
        return pairs.filter { $0.1 != $0.2 }.map {
            Disagreement(
                file: file, field: $0.0,
                message: "\($0.1), but its parameters say \($0.2) (the record was edited)")
        }
    }

    /// The record's job against the manifest's job of that file (id, set, source and every parameter).
    public static func recordAgainstJob(
        _ record: StimulusRecord, job: StimulusJob, setName: String, file: String
    ) -> [Disagreement] {
        guard let recorded = record.job else {
            return [
                Disagreement(
                    file: file, field: "job",
                    message: "no job in the provenance (not made by texstim run of this manifest)")
            ]
        }
        var found: [Disagreement] = []
        if recorded.id != job.id {
            found.append(
                Disagreement(
                    file: file, field: "job.id",
                    message: "'\(recorded.id)', but this file belongs to job "
                        + "'\(job.id)' (swapped or misnamed file)"))
        }
        if recorded.set != setName {
            found.append(
                Disagreement(
                    file: file, field: "job.set",
                    message: "'\(recorded.set)', but the manifest's set is "
                        + "'\(setName)' (copied from another set)"))
        }
        let stale = "(stale stimulus: rerun texstim run)"
        if record.source.sha256 != job.sourceSha256 {
            found.append(
                Disagreement(
                    file: file, field: "source.sha256",
                    message: "recorded \(record.source.sha256), "
                        + "the manifest's source has \(job.sourceSha256) \(stale)"))
        }
        guard let parameters = try? record.stimulusParameters() else { return found }
        for difference in differences(parameters, job.parameters) {
            found.append(
                Disagreement(
                    file: file, field: "parameters.\(difference.field)",
                    message: "recorded \(difference.a), the manifest gives \(difference.b) \(stale)"))
        }
        return found
    }

    /// The key paths (snake_case, as in the JSON) whose values differ, with both values.
    static func differences<T: Encodable>(_ a: T, _ b: T) -> [(field: String, a: String, b: String)] {
        guard let left = flatten(a), let right = flatten(b) else {
            return [(field: "(record)", a: "a value JSON cannot hold", b: "a comparable record")]
        }
        // The fields that say whose record it is come first, then the rest in key order.
        let first = ["job.id", "job.set", "seed", "parameters.seed", "source.sha256"]
        let keys =
            first.filter { left[$0] != nil || right[$0] != nil }
            + Set(left.keys).union(right.keys).subtracting(first).sorted()
        let all = keys.compactMap { key in
            left[key] == right[key] ? nil : (field: key, a: left[key] ?? "absent", b: right[key] ?? "absent")
        }
        // A record of another stimulus differs everywhere (loss traces); the first fields say enough.
        guard all.count > 8 else { return all }
        return Array(all.prefix(8)) + [(field: "…", a: "\(all.count - 8) more fields differ", b: "other values")]
    }

    static func flatten<T: Encodable>(_ value: T) -> [String: String]? {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Non-finite numbers as the records write them; nil for a value that still cannot be encoded
        // (an empty map would make every comparison pass).
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: encoder.encode(value), options: [.fragmentsAllowed])
        } catch { return nil }
        var result: [String: String] = [:]
        func visit(_ node: Any, _ path: String) {
            if let dictionary = node as? [String: Any] {
                for (key, child) in dictionary { visit(child, path.isEmpty ? key : path + "." + key) }
            } else if let array = node as? [Any] {
                for (index, child) in array.enumerated() { visit(child, "\(path)[\(index)]") }
            } else {
                result[path] = "\(node)"
            }
        }
        visit(object, "")
        return result
    }
}
