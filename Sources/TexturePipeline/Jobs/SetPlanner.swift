// SetPlanner: check a manifest against the files it names, then expand it into jobs (stable order).
//
// Order: sources in manifest order (globs sorted), then conditions, then samples. Every problem
// (missing or corrupt source, missing weights, unknown layer, too-small size, escaping output)
// is collected and reported at once, before any work starts.

import Foundation
import TextureCore
import TextureImages
import TextureSynthesis
import TextureValidation
import TextureWeights

public struct SetPlan: Sendable {
    public var manifest: Manifest
    public var jobs: [StimulusJob]
    /// One loaded network per (model name, weights path); portilla-simoncelli jobs have none.
    public var models: [String: any TextureModel]
    public var outputFolder: String
    /// Things that are allowed but probably not meant (a grey source in a colour condition).
    public var warnings: [String] = []
    /// The origin of each `vgg19` model's weights, by the same key as `models`.
    public var weightsOrigins: [String: WeightsOrigin] = [:]
    /// Estimated peak memory of each job (one thread), by job id.
    public var memory: [String: MemoryEstimate] = [:]

    /// The largest job's estimate: what each worker must be able to hold.
    public var largestMemory: MemoryEstimate? { memory.values.max { $0.bytes < $1.bytes } }

    /// Refuses `workers` workers (threads of one process) whose largest jobs together need more than the machine has.
    public func checkMemory(workers: Int) throws(PipelineError) {
        guard let largest = largestMemory, workers > 1 else { return }
        try MachineMemory.require(
            largest.bytes(workers: workers), for: manifest.path,
            detail:
                "\(workers) workers × \(MachineMemory.format(largest.perWorkerBytes)) for the largest job, plus the process",
            hint: "use fewer --workers (each worker holds one job's networks)")
    }

    /// The job's network (nil for portilla-simoncelli, which loads nothing).
    func model(for job: StimulusJob) -> (any TextureModel)? {
        job.parameters.model.isNetwork ? models[SetPlanner.modelKey(job)]! : nil
    }

    func weightsOrigin(for job: StimulusJob) -> WeightsOrigin? { weightsOrigins[SetPlanner.modelKey(job)] }
}

public enum SetPlanner {
    static func modelKey(_ name: String, _ weights: String?) -> String { "\(name)|\(weights ?? "")" }

    static func modelKey(_ job: StimulusJob) -> String { modelKey(job.parameters.model.rawValue, job.weightsPath) }

    /// - Parameters:
    ///   - sourcesFolder: `--sources DIR`: where to look for a source that is not where the
    ///     manifest says (by its path as written, then by file name), e.g. for a set that moved.
    ///   - allowUnverifiedWeights: the command's --allow-unverified-weights, for every
    ///     condition (a manifest allows them per condition with `allow_unverified_weights`).
    public static func plan(
        manifestPath: String, outputOverride: String? = nil, sourcesFolder: String? = nil,
        allowUnverifiedWeights: Bool = false
    ) throws(PipelineError) -> SetPlan {
        var planning = Planning(manifest: try ManifestReader.read(path: manifestPath))
        planning.loadSources(sourcesFolder: sourcesFolder)
        // Condition by condition (model, then jobs), so that problems are listed in manifest order.
        for (index, condition) in planning.manifest.conditions.enumerated() {
            let settings = planning.manifest.defaults.overridden(by: condition.settings)
            if settings.model == .portillaSimoncelli {
                planning.expandPortillaSimoncelli(condition, index: index, settings: settings)
                continue
            }
            if let key = settings.portillaSimoncelliKeys.first {
                planning.report(
                    condition.mark, "conditions[\(index)].\(key)",
                    "\(key) is a setting of model portilla-simoncelli, not of "
                        + (settings.model ?? ModelCatalog.defaultModel).rawValue,
                    hint: "remove \(key), or set model: portilla-simoncelli")
                continue
            }
            guard
                let model = planning.loadModel(
                    condition, index: index, settings: settings,
                    allowUnverifiedWeights: allowUnverifiedWeights)
            else { continue }
            planning.expand(condition, index: index, settings: settings, model: model)
        }
        planning.checkWindow()
        let manifest = planning.manifest
        for (source, problem) in nameLengthProblems(manifest) {
            planning.report(source.mark, "\(source.keyPath)", problem.0, hint: problem.1)
        }
        let outputFolder = manifest.outputFolder(override: outputOverride)
        if outputOverride == nil, let problem = escapesWorkingDirectory(outputFolder) {
            planning.report(
                ManifestMark(line: 0, column: 0), "output", problem,
                hint: "use a folder inside the current directory, or pass --output")
        }
        guard planning.issues.isEmpty else { throw .manifest(ManifestError(issues: planning.issues)) }
        return SetPlan(
            manifest: manifest, jobs: planning.sortedJobs(), models: planning.models, outputFolder: outputFolder,
            warnings: greyInColourWarnings(manifest, greySources: planning.greySources),
            weightsOrigins: planning.origins, memory: planning.memory)
    }

    /// A condition's model as planned: its name, the weights path (resolved against the manifest's
    /// folder) and the loaded network.
    struct ConditionModel {
        var name: String
        var weights: String?
        var model: any TextureModel
    }

    /// What `plan` collects on its way through the manifest. Every problem is appended to `issues`
    /// and planning goes on, so that the user sees them all at once.
    struct Planning {
        var manifest: Manifest
        var issues: [ManifestIssue] = []
        /// Each readable source's shape and the SHA-256 of its file, by source id.
        var shapes: [String: (Shape, String)] = [:]
        var greySources: Set<String> = []
        var models: [String: any TextureModel] = [:]
        var origins: [String: WeightsOrigin] = [:]
        /// Models that failed to load or were refused: reported once per model, not per condition.
        var unloadable: Set<String> = [], refused: Set<String> = []
        var jobs: [StimulusJob] = []
        var memory: [String: MemoryEstimate] = [:]

        mutating func report(_ mark: ManifestMark, _ keyPath: String, _ message: String, hint: String? = nil) {
            issues.append(
                ManifestIssue(
                    file: manifest.path, line: mark.line, column: mark.column, keyPath: keyPath,
                    message: message, hint: hint))
        }

        /// Finds moved sources (with `--sources`), then reads each source once for its shape, hash and greyness.
        mutating func loadSources(sourcesFolder: String?) {
            var unresolved: Set<String> = []
            if let sourcesFolder {
                for (source, error) in relocateSources(&manifest, sourcesFolder: sourcesFolder) {
                    report(source.mark, "\(source.keyPath).path", error.description)
                    unresolved.insert(source.id)
                }
            }
            for source in manifest.sources where !unresolved.contains(source.id) {
                do {
                    let data = try ImageFile.readFile(path: source.resolvedPath, role: "source image")
                    let image = try ImageFile.decode(data, path: source.resolvedPath)
                    shapes[source.id] = (image.pixels.shape, SHA256.hex(data))
                    if PixelStatistics.isGrey(image.pixels) { greySources.insert(source.id) }
                } catch {
                    report(source.mark, "\(source.keyPath).path", error.description)
                }
            }
        }

        /// The condition's model, loaded once per (model, weights) and checked against the weights
        /// policy; nil (reported) when it cannot be used.
        mutating func loadModel(
            _ condition: ManifestCondition, index: Int, settings: ManifestSettings,
            allowUnverifiedWeights: Bool
        ) -> ConditionModel? {
            let folder = (manifest.path as NSString).deletingLastPathComponent
            let name = (settings.model ?? ModelCatalog.defaultModel).rawValue
            let weights = settings.weights.map {
                $0.hasPrefix("/") || folder.isEmpty ? $0 : (folder as NSString).appendingPathComponent($0)
            }
            let key = modelKey(name, weights)
            if unloadable.contains(key) { return nil }
            if models[key] == nil {
                do { (models[key], origins[key]) = try ModelLoader.inspect(name, weightsPath: weights).pair } catch {
                    report(condition.mark, "conditions[\(index)].model", error.description)
                    unloadable.insert(key)
                    return nil
                }
            }
            do throws(WeightsError) {
                let loaded = LoadedModel(model: models[key]!, weights: origins[key])
                try ModelLoader.check(
                    loaded,
                    allowUnverified: allowUnverifiedWeights || settings.allowUnverifiedWeights == true)
            } catch {
                if refused.insert(key).inserted {
                    report(condition.mark, "conditions[\(index)].model", error.description)
                }
                return nil
            }
            return ConditionModel(name: name, weights: weights, model: models[key]!)
        }

        /// Jobs were built condition by condition; the documented order is source, condition, sample.
        func sortedJobs() -> [StimulusJob] {
            let sourceOrder = Dictionary(uniqueKeysWithValues: manifest.sources.enumerated().map { ($1.id, $0) })
            let conditionOrder = Dictionary(
                uniqueKeysWithValues: manifest.conditions.enumerated().map { ($1.name, $0) })
            return jobs.sorted {
                ($0.sourceId == $1.sourceId
                    ? conditionOrder[$0.condition]! < conditionOrder[$1.condition]!
                    : sourceOrder[$0.sourceId]! < sourceOrder[$1.sourceId]!)
                    || ($0.sourceId == $1.sourceId && $0.condition == $1.condition && $0.sample < $1.sample)
            }
        }
    }

    /// One warning per grey source that a colour condition synthesises: a colour model gives a
    /// grey source a tint (chroma) it does not have. A source's own `grey` wins over the conditions'.
    static func greyInColourWarnings(_ manifest: Manifest, greySources: Set<String>) -> [String] {
        let conditionGrey = manifest.conditions.map { ($0.name, manifest.defaults.overridden(by: $0.settings).grey) }
        return manifest.sources.filter { greySources.contains($0.id) }.compactMap { source in
            let colour = conditionGrey.filter { !(source.grey ?? $0.1 ?? false) }.map(\.0)
            guard !colour.isEmpty else { return nil }
            return "\(manifest.path):\(source.mark.line):\(source.mark.column): \(source.keyPath): source '\(source.id)' (\(source.resolvedPath)) is grey "
                + "(R = G = B within one code value) but condition\(colour.count == 1 ? "" : "s") \(colour.joined(separator: ", ")) "
                + "synthesise\(colour.count == 1 ? "s" : "") it in colour, which can tint it. Hint: set grey: true for those conditions "
                + "(or grey: true on the source)"
        }
    }

    /// Each source whose file names (`<source>/<condition>/<job id>.json` and texstim's temporary
    /// name for it) would exceed the 255-byte limit of a file name: every job would fail to write.
    static func nameLengthProblems(_ manifest: Manifest) -> [(ManifestSource, (String, String))] {
        let limit = 255
        return manifest.sources.compactMap { source in
            let names = manifest.conditions.flatMap { condition in
                let id = StimulusJob.identifier(
                    source: source.id, condition: condition.name, sample: manifest.samples - 1,
                    samples: manifest.samples)
                return [source.id, condition.name, TemporaryFiles.longestName(for: id + ".json")]
            }
            guard let longest = names.max(by: { $0.utf8.count < $1.utf8.count }), longest.utf8.count > limit else {
                return nil
            }
            return (
                source,
                (
                    "source id '\(source.id)' gives file names of up to \(longest.utf8.count) bytes (with the condition, the sample "
                        + "and texstim's temporary suffix), above the \(limit)-byte limit of a file name",
                    "give the source a short id with {id, path} (or shorten the condition name)"
                )
            )
        }
    }

    /// Points each source that is not where the manifest says at its copy below `sourcesFolder`;
    /// returns the ones found nowhere, each with an error naming every place tried.
    static func relocateSources(_ manifest: inout Manifest, sourcesFolder: String) -> [(ManifestSource, PipelineError)]
    {
        let locator = FileLocator(sourcesFolder: sourcesFolder)
        var missing: [(ManifestSource, PipelineError)] = []
        for index in manifest.sources.indices
        where !FileManager.default.fileExists(atPath: manifest.sources[index].resolvedPath) {
            let source = manifest.sources[index]
            do throws(PipelineError) {
                manifest.sources[index].resolvedPath = try locator.locate(
                    "source image", recorded: source.resolvedPath, relative: nil,
                    folder: "", asWritten: source.path, recordedAs: "as the manifest says")
            } catch { missing.append((source, error)) }
        }
        return missing
    }

    /// A problem if the folder (after resolving symbolic links of its existing part) is not
    /// inside the current directory.
    static func escapesWorkingDirectory(_ folder: String) -> String? {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).resolvingSymlinksInPath().path
        var existing = URL(fileURLWithPath: folder)
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path) && existing.path != "/" {
            rest.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        let resolved = existing.resolvingSymlinksInPath().path
        if resolved == root || resolved.hasPrefix(root + "/") { return nil }
        return
            "'\(folder)' resolves to \(([resolved] + rest).joined(separator: "/")), outside the current directory \(root)"
    }
}
