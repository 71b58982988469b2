// Reproduction: regenerate stimuli from their embedded provenance and compare the pixels.

import Foundation
import TextureCore
import TextureImages
import TextureSynthesis

/// What `reproduce` concluded about one stimulus.
public enum ReproductionVerdict: Sendable, Equatable {
    /// Regenerated with the same pixel values.
    case identical
    /// Regenerated, but the pixels differ by up to this many code values.
    case differs(maxDifference: Int)
    /// Not regenerated: why (a changed or missing input, a record that contradicts itself or its sidecar).
    case couldNotReproduce(problem: String)
}

public struct ReproductionResult: Sendable {
    public var path: String
    public var verdict: ReproductionVerdict
    /// What this machine computes with that the record's did not (CPU, BLAS kernel, Winograd
    /// products), e.g. "Winograd products texstim-avx2 recorded, texstim-avx512 here"; empty
    /// when the same or not regenerated. The usual reason a regenerated stimulus differs.
    public var machineDifferences: [String]

    public init(path: String, verdict: ReproductionVerdict, machineDifferences: [String] = []) {
        self.path = path
        self.verdict = verdict
        self.machineDifferences = machineDifferences
    }

    public var identical: Bool { verdict == .identical }
    /// Why the stimulus could not be regenerated (nil when it was).
    public var problem: String? {
        if case .couldNotReproduce(let problem) = verdict { return problem }
        return nil
    }
}

/// The verdicts of every stimulus `reproduce` checked, in order.
public struct ReproductionSummary: Sendable {
    public var results: [ReproductionResult]

    public init(results: [ReproductionResult]) { self.results = results }

    public var identicalCount: Int { results.filter(\.identical).count }
}

public enum Reproduction {
    /// The PNGs to check: the file itself, or every .png below a folder (sorted).
    public static func stimuli(at path: String) throws(PipelineError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .image(.fileMissing(path: path, role: "stimulus or set folder"))
        }
        guard isDirectory.boolValue else { return [path] }
        let files = (FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".png") && !($0 as NSString).lastPathComponent.hasPrefix(".") }
            .filter { $0 != ValidationOutput.contactSheetName }.sorted()  // the report's picture, not a stimulus
        // Nothing checked is not "all identical": an empty or wrong folder is bad input.
        guard !files.isEmpty else {
            throw .invalidArgument(
                name: path, value: "a folder without stimuli",
                hint: "give a stimulus PNG or a set folder that holds some")
        }
        return files.map { (path as NSString).appendingPathComponent($0) }
    }

    /// The provenance record embedded in a stimulus PNG.
    public static func record(of path: String) throws(PipelineError) -> StimulusRecord {
        let image: DecodedImage
        do { image = try ImageFile.load(path: path, role: "stimulus") } catch { throw .image(error) }
        return try record(in: image, path: path)
    }

    static func record(in image: DecodedImage, path: String) throws(PipelineError) -> StimulusRecord {
        guard let text = image.text else {
            throw .invalidArgument(
                name: path, value: "no provenance",
                hint: "only PNGs written by texstim carry a texstim:provenance chunk")
        }
        do { return try StimulusRecord.decode(text) } catch {
            throw .image(.corruptImage(path: path, format: "provenance JSON", reason: "\(error)"))
        }
    }

    /// Regenerates every stimulus at `path` (a PNG, or every PNG below a folder), telling `each`
    /// the verdict of each as it comes.
    public static func reproduceAll(
        at path: String, locator: FileLocator = FileLocator(),
        each: (ReproductionResult) -> Void = { _ in }
    )
        throws(PipelineError) -> ReproductionSummary
    {
        var results: [ReproductionResult] = []
        for file in try stimuli(at: path) {
            let result = reproduce(file, locator: locator)
            each(result)
            results.append(result)
        }
        return ReproductionSummary(results: results)
    }

    /// Regenerates one stimulus; `locator` says where to look for a source that is no longer where
    /// it was recorded (see FileLocator).
    public static func reproduce(_ path: String, locator: FileLocator = FileLocator()) -> ReproductionResult {
        do throws(PipelineError) {
            // The file is read and decoded once: its record, its bytes for the sidecar's hash, its pixels.
            let bytes: Data, image: DecodedImage
            do {
                bytes = try ImageFile.readFile(path: path, role: "stimulus")
                image = try ImageFile.decode(bytes, path: path)
            } catch { throw .image(error) }
            let record = try record(in: image, path: path)
            let disagreements = agreement(record, path: path, bytes: bytes)
            if !disagreements.isEmpty {
                return ReproductionResult(
                    path: path,
                    verdict: .couldNotReproduce(
                        problem: disagreements.map(\.description)
                            .joined(separator: "; ")))
            }
            let source = try locateSource(record, stimulus: path, locator: locator)
            if let problem = changedInput(record, sourcePath: source) {
                return ReproductionResult(path: path, verdict: .couldNotReproduce(problem: problem))
            }
            var request = try request(from: record, path: path)
            request.sourcePath = source
            let stimulus = try SynthesisJob.synthesize(request)
            let original = image.pixels
            let again: Tensor
            do { again = try PNGFile.decode(stimulus.png, path: path, maxSide: ImageFile.defaultMaxSide).pixels } catch
            {
                throw PipelineError.image(error)
            }
            guard original.shape == again.shape else {
                return ReproductionResult(
                    path: path,
                    verdict: .couldNotReproduce(
                        problem: "regenerated size \(again.shape) differs from \(original.shape)"))
            }
            let scale = Float((1 << record.output.bitDepth) - 1)
            let difference = Int((original.maxAbsDifference(again) * scale).rounded())
            return ReproductionResult(
                path: path,
                verdict: difference == 0 ? .identical : .differs(maxDifference: difference),
                machineDifferences: machineDifferences(record.machine, request: request))
        } catch {
            return ReproductionResult(path: path, verdict: .couldNotReproduce(problem: error.description))
        }
    }

    /// The recorded machine facts that change the last bits and differ here.
    static func machineDifferences(_ recorded: StimulusRecord.Machine, request: SynthesisRequest) -> [String] {
        let here = MachineInfo.record(
            threads: request.threads, convolution: request.convolution, gram: request.gram, products: request.products)
        var found: [String] = []
        if recorded.cpu != here.cpu { found.append("CPU \(recorded.cpu) recorded, \(here.cpu) here") }
        if recorded.blasCore != here.blasCore {
            found.append("BLAS core \(recorded.blasCore) recorded, \(here.blasCore) here")
        }
        if let products = recorded.winogradProducts, let current = here.winogradProducts, products != current {
            let reason = ProductKernel(rawValue: products).map {
                $0.runsHere ? "" : " (this CPU or TEXSTIM_KERNEL does not allow \($0.rawValue))"
            } ?? " (a kernel this texstim does not know)"
            found.append("Winograd products \(products) recorded, \(current) here\(reason)")
        }
        return found
    }

    /// Why the PNG, its sidecar and its own record do not tell one story: a regenerated stimulus
    /// proves nothing about a file whose provenance was edited, or that is another job's file.
    static func agreement(_ record: StimulusRecord, path: String, bytes: Data) -> [StimulusAgreement.Disagreement] {
        var found = StimulusAgreement.selfContradictions(record, file: path)
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        if let job = record.job, job.id != stem {
            found.append(
                .init(
                    file: path, field: "job.id",
                    message: "'\(job.id)', but the file is named '\(stem)' (swapped or renamed file)"))
        }
        switch StimulusAgreement.sidecar(of: path) {
        case .failure(let problem): found.append(problem)
        case .success(let sidecar):
            found += StimulusAgreement.pngAgainstSidecar(
                bytes, path: path, sidecar: sidecar, sidecarPath: SynthesisJob.sidecarPath(for: path))
        }
        return found
    }

    /// Where the stimulus' source is now: as recorded, relative to the stimulus, or under --sources
    /// (by its path relative to the recorded manifest's folder, and by file name).
    static func locateSource(
        _ record: StimulusRecord, stimulus: String, locator: FileLocator
    ) throws(PipelineError) -> String {
        var asWritten: String?
        if let manifest = record.job?.manifestPath {
            let folder = (manifest as NSString).deletingLastPathComponent
            if !folder.isEmpty && record.source.path.hasPrefix(folder + "/") {
                asWritten = String(record.source.path.dropFirst(folder.count + 1))
            }
            if folder.isEmpty { asWritten = record.source.path }
        }
        return try locator.locate(
            "source image", recorded: record.source.path, relative: record.source.pathFromStimulus,
            folder: (stimulus as NSString).deletingLastPathComponent, asWritten: asWritten, sha256: record.source.sha256
        )
    }

    /// Which input file no longer matches its recorded SHA-256, if any.
    static func changedInput(_ record: StimulusRecord, sourcePath: String) -> String? {
        guard let sourceSHA = try? SHA256.hex(fileAt: sourcePath) else { return "source \(sourcePath) cannot be read" }
        if sourceSHA != record.source.sha256 {
            return "source \(sourcePath) changed (SHA-256 \(sourceSHA), recorded \(record.source.sha256))"
        }
        if let recorded = record.model.weightsSha256, let weights = record.model.weightsPath {
            guard let sha = try? SHA256.hex(fileAt: weights) else { return "weights \(weights) are missing" }
            if sha != recorded { return "weights \(weights) changed (SHA-256 \(sha), recorded \(recorded))" }
        }
        return nil
    }

    /// The L-BFGS-B code that made a recorded stimulus (`optimizer.algorithm`).
    static func optimizerCode(of record: StimulusRecord) throws(PipelineError) -> LBFGSBImplementation {
        guard let code = LBFGSBImplementation(recordName: record.optimizer.algorithm) else {
            throw .invalidArgument(
                name: "optimizer.algorithm", value: record.optimizer.algorithm,
                hint: "this texstim runs "
                    + LBFGSBImplementation.allCases.map { "\"\($0.recordName)\"" }.joined(separator: " or ")
                    + "; regenerate the stimulus with the texstim that made it")
        }
        return code
    }

    /// The request that regenerates a recorded stimulus: its parameters (a format-1 record's
    /// translated), and the machine settings that change the last bits (threads, convolution).
    static func request(from record: StimulusRecord, path: String) throws(PipelineError) -> SynthesisRequest {
        var request = SynthesisRequest(
            sourcePath: record.source.path, outputPath: path,
            parameters: try record.stimulusParameters())
        request.weightsPath = record.model.weightsPath
        // The record says what the weights were (and changedInput checked their SHA-256):
        // regenerating an unverified stimulus needs no second permission.
        request.allowUnverifiedWeights = true
        request.threads = record.machine.threads
        request.convolution = record.machine.convolution ?? .direct
        request.gram = record.machine.gram ?? .openBLAS
        request.optimizerCode = try optimizerCode(of: record)
        // The recorded product kernel where it runs here: a set made on an AVX2-only machine
        // before texstim had its AVX2 kernel recorded `openblas`, and an AVX-512 machine can run
        // `texstim-avx2`. Elsewhere this machine's kernel, and machineDifferences says so.
        request.products = record.machine.winogradProducts.flatMap(ProductKernel.init(rawValue:)).flatMap {
            $0.runsHere ? $0 : nil
        }
        request.job = record.job
        request.job?.parameters = nil
        return request
    }
}
