// EstimateTests: plan's CPU-time arithmetic, the estimate cache (read, write, corrupt, foreign), figures' origin.

import Foundation
import Testing
import TextureCore
@testable import TexturePipeline
import TextureSynthesis

private func run(
    _ key: String = "k", iterations: Int, limit: Int = 200, seconds: Double, stopping: StoppingRules = StoppingRules(),
    created: String = "2026-11-30T10:00:00Z", job: String = "j"
) -> EstimateCache.MeasuredRun {
    EstimateCache.MeasuredRun(
        key: EstimateKey(text: key), job: job, iterationLimit: limit, stopping: stopping, optimizer: OptimizerSettings(),
        iterations: iterations, evaluations: iterations, seconds: seconds, created: created)
}

private let calibration = EstimateCache.Calibration(
    key: EstimateKey(text: "k"), evaluationSeconds: 0.5, optimizerSecondsPerIteration: 0.02,
    measured: "2026-11-30T09:00:00Z")

@Suite struct EstimateArithmeticTests {
    @Test func aCalibrationGivesFixedPlusIterationsTimesEvaluationAndOptimiser() {
        let parameters = StimulusParameters(iterations: 200, histogramMatch: true)
        let job = SetEstimate.job(parameters: parameters, calibration: calibration, cached: true, runs: [])
        // (2 + 1 histogram-matching) evaluations + 200 × (0.5 × 1.06 + 0.02).
        let expected: Double = 3 * 0.5 + 200 * 0.55
        #expect(abs(job.seconds - expected) < 1e-9)
        #expect(job.iterations == 200 && !job.upperBound)
        #expect(job.basis == .calibration(measured: "2026-11-30T09:00:00Z", cached: true))
    }

    @Test func measuredRunsGiveTheirMedianSecondsPerIterationAndIterations() {
        let parameters = StimulusParameters(iterations: 1000, stopping: StoppingRules(window: 50, relativeChange: 0.001))
        let stopping = parameters.stopping
        let runs = [
            run(iterations: 100, limit: 1000, seconds: 100, stopping: stopping),
            run(iterations: 300, limit: 1000, seconds: 600, stopping: stopping, created: "2026-11-30T11:00:00Z"),
            run(iterations: 200, limit: 1000, seconds: 300, stopping: stopping),
        ]
        let job = SetEstimate.job(parameters: parameters, calibration: calibration, cached: true, runs: runs)
        // Median iterations 200, median seconds per iteration 1.5 (of 1, 2, 1.5).
        #expect(job.iterations == 200 && job.secondsPerIteration == 1.5 && job.seconds == 300 && !job.upperBound)
        #expect(job.basis == .runs(count: 3, newest: "2026-11-30T11:00:00Z"))
    }

    @Test func onlyRunsThatTellGiveTheIterations() {
        let stopping = StoppingRules(window: 50, relativeChange: 0.001)
        let parameters = StimulusParameters(iterations: 1000, stopping: stopping)
        // Other stopping rules, or a run that only reached its smaller limit: they say nothing.
        let silent = [run(iterations: 120, limit: 1000, seconds: 1), run(iterations: 200, limit: 200, seconds: 1, stopping: stopping)]
        let bound = SetEstimate.expectedIterations(parameters: parameters, runs: silent)
        #expect(bound.iterations == 1000 && bound.upperBound)
        // A run with a larger limit that stopped later than this job's limit: capped at the limit.
        let capped = SetEstimate.expectedIterations(
            parameters: StimulusParameters(iterations: 100, stopping: stopping),
            runs: [run(iterations: 400, limit: 1000, seconds: 1, stopping: stopping)])
        #expect(capped.iterations == 100 && !capped.upperBound)
        // No stopping rules and factr = pgtol = 0: every iteration runs, not an upper bound.
        let plain = SetEstimate.expectedIterations(parameters: StimulusParameters(iterations: 300), runs: [])
        #expect(plain.iterations == 300 && !plain.upperBound)
    }

    @Test func aJobWithoutFiguresHasNoEstimate() {
        let job = SetEstimate.job(parameters: StimulusParameters(), calibration: nil, cached: false, runs: [])
        #expect(job.basis == .none && job.seconds == 0 && EstimateText.seconds(job) == "? s")
    }

    @Test func theTextSaysWhereFiguresCameFromAndHowOld() {
        let now = ISO8601DateFormatter().date(from: "2026-11-30T12:00:00Z")!
        #expect(EstimateText.basis(.calibration(measured: "2026-11-30T09:00:00Z", cached: true), now: now)
            == "(timed 3 h ago, cached)")
        #expect(EstimateText.basis(.runs(count: 2, newest: "2026-11-30T11:48:00Z"), now: now)
            == "(2 earlier runs, newest 12 min ago)")
        #expect(EstimateText.age(of: "garbage", now: now) == "at garbage")
        let bound = SetEstimate(jobs: [JobEstimate(seconds: 10, iterations: 10, secondsPerIteration: 1,
                                                   basis: .runs(count: 1, newest: ""), upperBound: true)])
        #expect(EstimateText.total(bound, workers: 2).contains("at most 10 s"))
        #expect(EstimateText.seconds(bound.jobs[0]) == "≤ 10 s")
    }

    @Test func keysSeparateWhatChangesTheSpeedOnly() {
        var a = StimulusParameters(model: .vgg19Random, layers: ["conv1_1", "pool1"], size: 256, iterations: 100)
        var b = a
        (b.seed, b.iterations, b.stopping, b.histogramMatch) = (9, 2000, StoppingRules(window: 5, relativeChange: 0.1), true)
        let key = { (p: StimulusParameters, conv: ConvolutionChoice) in
            EstimateKey(parameters: p, height: 256, width: 256, convolution: conv, threads: 1)
        }
        #expect(key(a, .winograd) == key(b, .winograd))
        #expect(key(a, .winograd) != key(a, .direct))
        b = a
        b.grey = true
        #expect(key(a, .winograd) != key(b, .winograd))
        a.layers = ["conv1_1"]
        #expect(key(a, .winograd) != key(b, .winograd))
    }
}

@Suite struct EstimateCacheTests {
    let machine = EstimateCache.MachineKey(
        cpu: "Test CPU", texstimVersion: "0.1.0", gitCommit: "abc", productKernel: "avx512", blasCore: "Cooperlake")

    @Test func theFolderFollowsXDGElseHome() {
        #expect(EstimateCache.folder(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/h"]) == "/x/cache/texstim")
        // A relative XDG_CACHE_HOME is invalid (XDG spec) and ignored.
        #expect(EstimateCache.folder(environment: ["XDG_CACHE_HOME": "rel", "HOME": "/h"]) == "/h/.cache/texstim")
        #expect(EstimateCache.folder(environment: [:]) == nil)
    }

    @Test func writtenCachesReadBackAndEachMachineHasItsOwnFile() {
        let folder = temporaryFolder() + "/deeper/texstim"
        var cache = EstimateCache(machine: machine)
        cache.store(calibration)
        cache.add([run(iterations: 10, seconds: 2)])
        let path = EstimateCache.path(folder: folder, machine: machine)
        #expect(cache.save(path: path) == nil)
        let loaded = EstimateCache.load(path: path, machine: machine)
        #expect(loaded.cache == cache && loaded.warning == nil)
        var other = machine
        other.gitCommit = "def"
        #expect(EstimateCache.path(folder: folder, machine: other) != path)
        let missing = EstimateCache.load(path: EstimateCache.path(folder: folder, machine: other), machine: other)
        #expect(missing.cache.calibrations.isEmpty && missing.warning == nil)
    }

    @Test func corruptOrForeignFilesAreIgnoredWithAWarning() throws {
        let folder = temporaryFolder()
        let path = EstimateCache.path(folder: folder, machine: machine)
        try Data("{\"format\": 1, \"machine\": ".utf8).write(to: URL(fileURLWithPath: path))
        let corrupt = EstimateCache.load(path: path, machine: machine)
        #expect(corrupt.cache.calibrations.isEmpty && corrupt.warning?.contains("not a texstim estimate cache") == true)
        var foreign = EstimateCache(machine: EstimateCache.MachineKey(
            cpu: "Other CPU", texstimVersion: "0.1.0", gitCommit: "abc", productKernel: "openblas", blasCore: "Haswell"))
        foreign.store(calibration)
        #expect(foreign.save(path: path) == nil)
        let ignored = EstimateCache.load(path: path, machine: machine)
        #expect(ignored.cache.calibrations.isEmpty && ignored.warning?.contains("measured on Other CPU") == true)
        // A folder where the file should be: a warning, not a crash.
        let blocked = folder + "/blocked.json"
        try FileManager.default.createDirectory(atPath: blocked, withIntermediateDirectories: true)
        #expect(EstimateCache.load(path: blocked, machine: machine).warning?.contains("it is a directory") == true)
        #expect(EstimateCache(machine: machine).save(path: blocked)?.contains("could not write") == true)
    }

    @Test func runsAreAddedOnceAndTheNewestKeptPerKey() {
        var cache = EstimateCache(machine: machine)
        let runs = (0..<40).map { run(iterations: 10, seconds: Double($0), created: String(format: "2026-11-30T10:%02d:00Z", $0)) }
        #expect(cache.add(runs) == 40)
        #expect(cache.add(Array(runs.suffix(5))) == 0)
        #expect(cache.add([run("other", iterations: 1, seconds: 1)]) == 1)
        #expect(cache.runs.filter { $0.key.text == "k" }.count == EstimateCache.runsPerKey)
        #expect(cache.runs.filter { $0.key.text == "k" }.map(\.seconds).min() == Double(40 - EstimateCache.runsPerKey))
    }
}

@Suite(.serialized) struct EstimatePlanTests {
    /// Timed once, then read from the cache; after a run, the set's measured runs (the sidecars'
    /// keys are the jobs' keys; 4 jobs per key). Only where the figures came from is checked, never a time.
    @Test func aPlanIsTimedOnceThenCachedThenInformedByItsRuns() throws {
        let folder = temporaryFolder()
        let plan = try SetPlanner.plan(manifestPath: try smallManifest(in: folder), outputOverride: folder + "/set")
        var options = EstimateOptions()
        options.cacheFolder = folder + "/cache"
        var timings: [String] = []
        options.log = { timings.append($0) }
        let first = SetEstimate.estimate(plan, options: options)
        #expect(first.warnings.isEmpty && timings.count == 2, "\(first.warnings) \(timings)")
        #expect(first.jobs.allSatisfy { if case .calibration(_, false) = $0.basis { $0.seconds > 0 } else { false } })
        let second = SetEstimate.estimate(plan, options: options)
        #expect(timings.count == 2)
        #expect(second.jobs.map(\.seconds) == first.jobs.map(\.seconds))
        #expect(second.jobs.allSatisfy { if case .calibration(_, true) = $0.basis { true } else { false } })
        options.recalibrate = true
        _ = SetEstimate.estimate(plan, options: options)
        #expect(timings.count == 4)

        _ = try SetRunner.run(plan: plan, options: RunOptions())
        #expect(EstimateCache.recordRuns(of: plan, folder: options.cacheFolder).isEmpty)
        let cache = EstimateCache.load(path: EstimateCache.path(folder: folder + "/cache")).cache
        #expect(cache.runs.count == plan.jobs.count)
        // One compute thread per job: each sidecar has the synthesis's CPU seconds, which the cache keeps.
        let records = plan.jobs.compactMap { SetRunner.storedRecord($0, folder: plan.outputFolder) }
        #expect(records.count == plan.jobs.count && records.allSatisfy { ($0.timing?.cpuSeconds ?? 0) > 0 })
        #expect(Set(cache.runs.map(\.seconds)) == Set(records.compactMap { $0.timing?.cpuSeconds }))
        try FileManager.default.removeItem(atPath: folder + "/set")
        options.recalibrate = false
        let informed = SetEstimate.estimate(plan, options: options)
        #expect(timings.count == 4)
        #expect(informed.jobs.allSatisfy { if case .runs(4, _) = $0.basis { $0.iterations > 0 && $0.iterations <= 12 } else { false } })
    }
}
