// SetRunner: run a set's jobs on N worker threads: resumable, atomic, locked, interruptible.
//
// Each worker runs one job at a time with single-threaded BLAS and compute, so a stimulus's
// bytes do not depend on the number of workers or shards. A job is current (skipped) when its
// PNG is the one its sidecar describes and the sidecar's recorded job equals the manifest's.

import Foundation
import TextureCore
import TextureSynthesis
import TextureImages
import TextureValidation

public struct RunOptions: Sendable {
    public var workers = 1
    /// The convolution algorithm every job uses (recorded in each stimulus's provenance).
    public var convolution = ConvolutionChoice.default
    /// The L-BFGS-B code every job uses (recorded as each stimulus's `optimizer.algorithm`).
    public var optimizerCode = LBFGSBImplementation.default
    public var shard: Shard?
    public var force = false
    public var dryRun = false
    public var outputOverride: String?
    /// Validate the whole set at the end and add the results to the index (off for shards:
    /// the other shards' stimuli are not there yet; run `texstim validate` after the last one).
    public var validate = false
    /// Synthesise nothing: assemble the index from the sidecars and validate (the finishing job
    /// of a Slurm array).
    public var finishOnly = false
    /// Where the run reports its progress (see `RunEvent`); by default, nowhere.
    public var progress: RunProgressSink = { _ in }

    public init() {}
}

public struct RunSummary: Sendable {
    public var total: Int
    public var skipped: Int
    public var done: Int
    public var failed: [(id: String, message: String)]
    public var outputFolder: String
    public var indexed: Int
    public var validation: ValidationReport?
}

public enum SetRunner {
    public static func run(
        plan: SetPlan, options: RunOptions, progressLog: (String) -> Void = { _ in }
    ) throws(PipelineError) -> RunSummary {
        let folder = plan.outputFolder
        let setFolder = SetFolder(folder, setName: plan.manifest.name)
        let mine = plan.jobs.enumerated().filter { options.shard?.contains(jobIndex: $0.offset) ?? true }.map(\.element)
        let jobFolders = Set(mine.map { ($0.relativePNGPath as NSString).deletingLastPathComponent }).sorted()
        var lock: RunLock?
        defer { lock?.release() }
        if options.dryRun {
            try setFolder.checkOwnership()
            for relative in jobFolders { try setFolder.checkNoLinks(relative) }
        } else {
            // Ownership is checked before the lock file exists: a refused folder gets nothing new.
            try setFolder.claim()
            lock = try RunLock(folder: folder, shard: options.shard)
            for relative in jobFolders { try setFolder.createFolder(relative) }
            TemporaryFiles.sweep(in: folder)
        }
        let (pending, kept) = pendingJobs(mine, folder: folder, options: options)
        // A current stimulus that did not converge stays a failure on every rerun (redoing it
        // would give the same bytes): it is named in the summary, never counted as done.
        let pendingIDs = Set(pending.map(\.id))
        let storedFailures = mine.compactMap { job in kept[job.id]?.convergenceProblem.map { (id: job.id, message: $0) }
        }
        if options.dryRun {
            for job in mine { progressLog("\(pendingIDs.contains(job.id) ? "run " : "skip") \(job.relativePNGPath)") }
            return RunSummary(
                total: mine.count, skipped: mine.count - pending.count, done: 0, failed: [], outputFolder: folder,
                indexed: 0)
        }
        try plan.checkMemory(workers: min(options.workers, pending.count))
        let failures =
            try execute(
                pending, plan: plan, workers: options.workers, convolution: options.convolution, optimizerCode: options.optimizerCode,
                progress: options.progress) + storedFailures
        if Interruption.requested {
            try SetIndex.write(plan: plan)
            throw .cancelled
        }
        let validation =
            options.validate && options.shard == nil
            ? try ValidationOutput.write(plan: plan, htmlPath: nil, jsonPath: nil).report : nil
        let indexed = try SetIndex.write(plan: plan, validation: validation)
        return RunSummary(
            total: mine.count, skipped: mine.count - pending.count - storedFailures.count,
            done: pending.count - (failures.count - storedFailures.count),
            failed: failures, outputFolder: folder, indexed: indexed, validation: validation)
    }

    /// The jobs to synthesise, and the sidecar records of the others (read once, for the summary).
    /// `--finish` synthesises nothing and `--force` everything; otherwise a job is redone unless current.
    static func pendingJobs(
        _ jobs: [StimulusJob], folder: String, options: RunOptions
    ) -> ([StimulusJob], [String: StimulusRecord]) {
        if options.force && !options.finishOnly { return (jobs, [:]) }
        var pending: [StimulusJob] = [], kept: [String: StimulusRecord] = [:]
        for job in jobs {
            if let record = options.finishOnly ? storedRecord(job, folder: folder) : currentRecord(job, folder: folder)
            {
                kept[job.id] = record
            } else if !options.finishOnly {
                pending.append(job)
            }
        }
        return (pending, kept)
    }

    /// True when the job's PNG is the one its sidecar describes (same SHA-256, same embedded
    /// provenance) and the sidecar records the manifest's job; a truncated or replaced PNG is redone.
    public static func isCurrent(_ job: StimulusJob, folder: String) -> Bool {
        currentRecord(job, folder: folder) != nil
    }

    /// The sidecar record of a current job (see `isCurrent`), else nil.
    static func currentRecord(_ job: StimulusJob, folder: String) -> StimulusRecord? {
        let png = (folder as NSString).appendingPathComponent(job.relativePNGPath)
        guard let record = storedRecord(job, folder: folder), job.matches(record), record.job?.id == job.id,
            let data = FileManager.default.contents(atPath: png),
            StimulusAgreement.pngMatchesSidecar(data, path: png, sidecar: record)
        else { return nil }
        return record
    }

    /// The sidecar record of the job's stimulus, when its PNG and a readable sidecar exist.
    static func storedRecord(_ job: StimulusJob, folder: String) -> StimulusRecord? {
        let png = (folder as NSString).appendingPathComponent(job.relativePNGPath)
        guard FileManager.default.fileExists(atPath: png),
            let text = try? String(contentsOfFile: SynthesisJob.sidecarPath(for: png), encoding: .utf8)
        else { return nil }
        return try? StimulusRecord.decode(text)
    }

    static func execute(
        _ jobs: [StimulusJob], plan: SetPlan, workers: Int, convolution: ConvolutionChoice,
        optimizerCode: LBFGSBImplementation, progress: @escaping RunProgressSink
    ) throws(PipelineError) -> [(id: String, message: String)] {
        let queue = JobQueue(jobs)
        let threads = max(1, min(workers, jobs.count))
        progress(.setStarted(jobs: jobs.count, workers: threads))
        let finished = DispatchGroup()
        for worker in 0..<threads {
            finished.enter()
            let thread = Thread {
                while !Interruption.requested, let job = queue.next() {
                    var request = job.request(
                        outputFolder: plan.outputFolder, model: plan.model(for: job), manifest: plan.manifest,
                        convolution: convolution)
                    request.optimizerCode = optimizerCode
                    request.weightsOrigin = plan.weightsOrigin(for: job)
                    progress(.jobStarted(worker: worker, job: job.id))
                    do throws(PipelineError) {
                        let outcome = try SynthesisJob.run(
                            request,
                            progress: { step in
                                progress(
                                    .iteration(
                                        worker: worker, job: job.id, iteration: step.iteration,
                                        total: step.totalIterations, loss: step.loss))
                            }, shouldContinue: { !Interruption.requested })
                        // Kept on disk for inspection, but a failure: validation fails it too.
                        if let problem = outcome.record.convergenceProblem { queue.fail(job.id, problem) }
                        progress(.jobFinished(worker: worker, job: job.id, failure: outcome.record.convergenceProblem))
                    } catch {
                        if case .cancelled = error { break }
                        queue.fail(job.id, error.description)
                        progress(.jobFinished(worker: worker, job: job.id, failure: error.description))
                    }
                }
                finished.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        finished.wait()
        progress(.setFinished)
        return queue.failures
    }

}

/// The shared list of pending jobs and the failures, behind a lock.
final class JobQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let jobs: [StimulusJob]
    private var position = 0
    private(set) var failures: [(id: String, message: String)] = []

    init(_ jobs: [StimulusJob]) { self.jobs = jobs }

    func next() -> StimulusJob? {
        lock.withLock {
            guard position < jobs.count else { return nil }
            position += 1
            return jobs[position - 1]
        }
    }

    func fail(_ id: String, _ message: String) { lock.withLock { failures.append((id, message)) } }
}
