// SetValidator: validate every stimulus of a set from its files, plus the set-level checks.
//
// Every figure is re-measured from the PNG files as written, never taken from memory or from
// provenance. Set-level checks: missing and extra files, near-duplicate samples, the spread of
// mean luminance and RMS contrast across conditions, and outliers within a condition.

import Foundation
import TextureCore
import TextureImages
import TextureValidation

public enum SetValidator {
    /// The plan of a set given its folder (via index.json's manifest path) or its manifest. The
    /// manifest and the sources are looked for as recorded, relative to the set (and to the
    /// manifest), then under `locator`'s --sources folder (see FileLocator).
    public static func plan(
        setOrManifest path: String, locator: FileLocator = FileLocator(),
        allowUnverifiedWeights: Bool = false
    ) throws(PipelineError) -> SetPlan {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .image(.fileMissing(path: path, role: "set folder or manifest"))
        }
        guard isDirectory.boolValue else {
            return try SetPlanner.plan(
                manifestPath: path, sourcesFolder: locator.sourcesFolder, allowUnverifiedWeights: allowUnverifiedWeights
            )
        }
        let index = (path as NSString).appendingPathComponent("index.json")
        guard FileManager.default.fileExists(atPath: index) else {
            throw .invalidArgument(
                name: path, value: "no index.json",
                hint: "pass the set's manifest instead, or run `texstim run` to write the index")
        }
        // A damaged index is not a missing one: say which, so nobody reruns a set to "create" it.
        let data: Data
        do { data = try ImageFile.readFile(path: index, role: "set index") } catch { throw .image(error) }
        guard let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let manifest = document["manifest"] as? String
        else {
            throw .image(
                .corruptImage(
                    path: index, format: "set index (JSON)",
                    reason: "it is not a JSON object with a \"manifest\" string"))
        }
        let found = try locator.locate(
            "manifest", recorded: manifest, relative: document["manifest_from_set"] as? String, folder: path,
            sha256: document["manifest_sha256"] as? String)
        return try SetPlanner.plan(
            manifestPath: found, outputOverride: path, sourcesFolder: locator.sourcesFolder,
            allowUnverifiedWeights: allowUnverifiedWeights)
    }

    public static func validate(plan: SetPlan) -> ValidationReport {
        let thresholds = ValidationThresholds.resolved(plan.manifest.validation)
        var validator = StimulusValidator(plan: plan, thresholds: thresholds)
        var findings: [Finding] = []
        var results: [StimulusValidation] = []
        var lumas: [String: [Double]] = [:]
        for job in plan.jobs {
            let path = (plan.outputFolder as NSString).appendingPathComponent(job.relativePNGPath)
            var result = StimulusValidation(
                file: path, jobId: job.id, source: job.sourceId, condition: job.condition, sample: job.sample,
                verdict: .pass, statistics: nil, lumaHistogram: [], spectrum: [])
            if !FileManager.default.fileExists(atPath: path) {
                findings.append(
                    Finding(
                        file: path, statistic: .file, level: .fail,
                        message: "missing stimulus (job \(job.id) has no file)"))
            } else {
                let measured = validator.validate(job, findings: &findings)
                result.statistics = measured.statistics
                result.lumaHistogram = measured.lumaHistogram
                result.spectrum = measured.spectrum
                result.lossTrace = measured.lossTrace
                if let pixels = measured.pixels {
                    lumas[job.id] = measured.comparedLuma ?? PixelStatistics.luma(pixels)
                }
            }
            results.append(result)
        }
        checkDuplicates(&results, lumas: lumas, thresholds: thresholds, findings: &findings)
        findings += extraFiles(plan)
        let conditions = conditionSummaries(results)
        findings += spreadFindings(conditions, folder: plan.outputFolder, thresholds: thresholds)
        findings += outliers(results, thresholds: thresholds)
        for index in results.indices {
            results[index].verdict = findings.filter { $0.file == results[index].file }.map(\.level).max() ?? .pass
        }
        var sourceHistograms: [String: [Double]] = [:], sourceSpectra: [String: [Double]] = [:]
        for job in plan.jobs where sourceHistograms[job.sourceId] == nil {
            if let source = try? validator.source(for: job) {
                sourceHistograms[job.sourceId] = StimulusValidator.coarseHistogram(source.luma)
                sourceSpectra[job.sourceId] = source.spectrum.amplitudes
            }
        }
        return ValidationReport(
            set: plan.manifest.name, manifest: plan.manifest.path, folder: plan.outputFolder,
            verdict: findings.map(\.level).max() ?? .pass,
            thresholds: ValidationThresholds.byName(thresholds), stimuli: results,
            conditions: conditions, findings: findings, sourceHistograms: sourceHistograms, sourceSpectra: sourceSpectra
        )
    }

    /// Max correlation of each stimulus with the other samples of its source × condition.
    static func checkDuplicates(
        _ results: inout [StimulusValidation], lumas: [String: [Double]],
        thresholds: [ValidationStatistic: Threshold], findings: inout [Finding]
    ) {
        for index in results.indices {
            guard results[index].statistics != nil, let mine = lumas[results[index].jobId] else { continue }
            let siblings = results.indices.filter {
                $0 != index && results[$0].source == results[index].source
                    && results[$0].condition == results[index].condition
            }
            let best =
                siblings.compactMap { lumas[results[$0].jobId] }.map { PatchCorrelation.imageCorrelation(mine, $0) }
                .max() ?? 0
            results[index].statistics?.duplicateCorrelation = best
            let level = thresholds[.duplicateCorrelation]?.level(best) ?? .pass
            if level != .pass {
                findings.append(
                    Finding(
                        file: results[index].file, statistic: .duplicateCorrelation, level: level,
                        message: String(
                            format:
                                "correlates %.3f with another sample of the same source and condition (near-duplicate)",
                            best)))
            }
        }
    }

    /// PNG files in the set folder that no job of the manifest produces (the contact sheet is the report's).
    static func extraFiles(_ plan: SetPlan) -> [Finding] {
        let expected = Set(plan.jobs.map(\.relativePNGPath) + [ValidationOutput.contactSheetName])
        let present = (FileManager.default.enumerator(atPath: plan.outputFolder)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".png") && !($0 as NSString).lastPathComponent.hasPrefix(".") }
        return present.filter { !expected.contains($0) }.sorted().map {
            Finding(
                file: (plan.outputFolder as NSString).appendingPathComponent($0), statistic: .file, level: .warn,
                message: "extra file: no job of the manifest writes it")
        }
    }

    static func conditionSummaries(_ results: [StimulusValidation]) -> [ConditionSummary] {
        var order: [String] = []
        for result in results where !order.contains(result.condition) { order.append(result.condition) }
        return order.compactMap { condition in
            let measured = results.filter { $0.condition == condition }.compactMap(\.statistics)
            guard !measured.isEmpty else { return nil }
            let n = Double(measured.count)
            return ConditionSummary(
                condition: condition, stimuli: measured.count,
                meanLuminance: measured.map(\.luminance.mean).reduce(0, +) / n,
                rmsContrast: measured.map(\.luminance.rmsContrast).reduce(0, +) / n)
        }
    }

    static func spreadFindings(
        _ conditions: [ConditionSummary], folder: String,
        thresholds: [ValidationStatistic: Threshold]
    ) -> [Finding] {
        guard conditions.count >= 2 else { return [] }
        func deviation(_ values: [Double]) -> Double {
            let mean = values.reduce(0, +) / Double(values.count)
            return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
        }
        var findings: [Finding] = []
        for (name, values) in [
            (ValidationStatistic.meanLuminanceSpread, conditions.map(\.meanLuminance)),
            (.rmsContrastSpread, conditions.map(\.rmsContrast)),
        ] {
            let spread = deviation(values)
            let level = thresholds[name]?.level(spread) ?? .pass
            if level != .pass {
                findings.append(
                    Finding(
                        file: folder, statistic: name, level: level,
                        message: String(
                            format: "SD across condition means %.4f (%@): a low-level difference between conditions",
                            spread, values.map { String(format: "%.3f", $0) }.joined(separator: ", "))))
            }
        }
        return findings
    }

    /// Robust z-scores (median / 1.4826·MAD) of mean luminance and RMS contrast among the samples
    /// of one source × condition (needs at least 5 samples; sources differ too much to pool).
    static func outliers(_ results: [StimulusValidation], thresholds: [ValidationStatistic: Threshold]) -> [Finding] {
        var findings: [Finding] = []
        for group in Set(results.map { "\($0.source)/\($0.condition)" }).sorted() {
            let members = results.filter { "\($0.source)/\($0.condition)" == group && $0.statistics != nil }
            guard members.count >= 5 else { continue }  // too few for a robust spread
            for (name, value) in [
                ("mean luminance", { (s: StimulusStatistics) in s.luminance.mean }),
                ("RMS contrast", { $0.luminance.rmsContrast }),
            ] {
                let values = members.map { value($0.statistics!) }
                let median = values.sorted()[values.count / 2]
                let mad = 1.4826 * values.map { abs($0 - median) }.sorted()[values.count / 2]
                guard mad > 0 else { continue }
                for (member, x) in zip(members, values) {
                    let z = abs(x - median) / mad
                    let level = thresholds[.outlierZ]?.level(z) ?? .pass
                    if level != .pass {
                        findings.append(
                            Finding(
                                file: member.file, statistic: .outlierZ, level: level,
                                message: String(
                                    format: "%@ %.3f is an outlier among the samples of %@ (robust z %.1f)", name, x,
                                    group, z)))
                    }
                }
            }
        }
        return findings
    }
}
