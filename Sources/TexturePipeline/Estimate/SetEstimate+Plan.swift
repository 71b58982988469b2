// SetEstimate+Plan: a plan's estimate: read the cache, time each kind of job it lacks once, write the cache.

import Foundation
import TextureCore
import TextureImages
import TextureSynthesis

/// How `SetEstimate.estimate(_:options:)` runs.
public struct EstimateOptions {
    /// The algorithm the run will use (it changes the speed; `run --conv`).
    public var convolution = ConvolutionChoice.default
    /// Ignore the cache's calibrations and runs and time every kind of job afresh (the set's own
    /// finished stimuli still count).
    public var recalibrate = false
    /// The cache's folder (nil: no cache, time everything now and keep nothing).
    public var cacheFolder: String? = EstimateCache.folder()
    /// Told before each timing (it takes seconds).
    public var log: (String) -> Void = { _ in }

    public init() {}
}

extension SetEstimate {
    /// The threads of one job in `run` (each worker computes single-threaded).
    static let workerThreads = 1

    /// The estimate of every job of `plan`. Keys with measured runs (the cache's, the set's own
    /// sidecars) use them; the others use the cache's calibration or are timed now, once per key.
    public static func estimate(_ plan: SetPlan, options: EstimateOptions = EstimateOptions()) -> SetEstimate {
        let machine = EstimateCache.MachineKey.current
        let path = options.cacheFolder.map { EstimateCache.path(folder: $0, machine: machine) }
        var (cache, warning) = path.map { EstimateCache.load(path: $0, machine: machine) } ?? (EstimateCache(), nil)
        var warnings = [warning].compactMap { $0 }
        var shapes: [String: Shape] = [:]
        let keys = plan.jobs.map { key(of: $0, convolution: options.convolution, sourceShapes: &shapes) }
        var known = options.recalibrate ? EstimateCache(machine: machine) : cache
        known.add(EstimateCache.runs(of: plan, machine: machine))
        let runsByKey = Dictionary(grouping: known.runs, by: \.key)
        var timedNow: Set<EstimateKey> = [], optimizerSeconds: [String: Double] = [:]
        for (job, key) in zip(plan.jobs, keys) {
            guard let key, runsByKey[key] == nil, !timedNow.contains(key),
                options.recalibrate || cache.calibration(key) == nil
            else { continue }
            options.log("timing \(key) (once: kept in the estimate cache)")
            do {
                cache.store(
                    try calibrate(
                        job, plan: plan, key: key, convolution: options.convolution,
                        optimizerSeconds: &optimizerSeconds))
                timedNow.insert(key)
            } catch { warnings.append("could not time job \(job.id) for the estimate: \(error)") }
        }
        if !timedNow.isEmpty, let path, let problem = cache.save(path: path) { warnings.append(problem) }
        let jobs = zip(plan.jobs, keys).map { job, key in
            SetEstimate.job(
                parameters: job.parameters, calibration: key.flatMap { cache.calibration($0) },
                cached: !(key.map(timedNow.contains) ?? false), runs: key.flatMap { runsByKey[$0] } ?? [])
        }
        return SetEstimate(jobs: jobs, warnings: warnings)
    }

    /// The job's key: its stimulus's side is output_size, else size, else its source's (read once).
    static func key(
        of job: StimulusJob, convolution: ConvolutionChoice, sourceShapes: inout [String: Shape]
    ) -> EstimateKey? {
        let parameters = job.parameters
        var height = parameters.outputSize ?? parameters.size, width = height
        if height == nil {
            if sourceShapes[job.sourcePath] == nil {
                sourceShapes[job.sourcePath] = try? ImageFile.load(path: job.sourcePath, role: "source image").pixels
                    .shape
            }
            guard let shape = sourceShapes[job.sourcePath] else { return nil }
            (height, width) = (shape.height, shape.width)
        }
        return EstimateKey(
            parameters: parameters, height: height!, width: width!, convolution: convolution, threads: workerThreads)
    }

    /// Times the job as its synthesis would run it: its source prepared, its objective built with
    /// one thread and `convolution`, evaluations from its start point; L-BFGS-B's own work per
    /// iteration is timed once per (variables, memory) and kept in `optimizerSeconds`.
    static func calibrate(
        _ job: StimulusJob, plan: SetPlan, key: EstimateKey, convolution: ConvolutionChoice,
        optimizerSeconds: inout [String: Double]
    ) throws -> EstimateCache.Calibration {
        var request = job.request(
            outputFolder: plan.outputFolder, model: plan.model(for: job), manifest: plan.manifest,
            convolution: convolution)
        request.threads = workerThreads
        request.weightsOrigin = plan.weightsOrigin(for: job)
        let parameters = job.parameters
        let source = try ImageFile.load(path: job.sourcePath, role: "source image")
        let prepared = ImagePreparation.prepareSource(
            source.pixels, size: parameters.size, crop: parameters.crop, grey: parameters.grey)
        let height = parameters.outputSize ?? prepared.shape.height,
            width = parameters.outputSize ?? prepared.shape.width
        let objective = try SynthesisModel.of(request).objective(parameters, request: request, prepared: prepared)
        let options = SynthesisOptions(parameters, height: height, width: width, initImage: nil)
        let evaluation = try SynthesisTiming.evaluationSeconds(objective: objective, options: options)
        let variables = (parameters.grey ? 1 : 3) * height * width, memory = parameters.optimizer.memory
        let optimizerKey = "\(variables)|\(memory)"
        let optimizer =
            optimizerSeconds[optimizerKey]
            ?? SynthesisTiming.optimizerSecondsPerIteration(variables: variables, memory: memory)
        optimizerSeconds[optimizerKey] = optimizer
        return EstimateCache.Calibration(
            key: key, evaluationSeconds: evaluation, optimizerSecondsPerIteration: optimizer,
            measured: MachineInfo.timestamp())
    }
}
