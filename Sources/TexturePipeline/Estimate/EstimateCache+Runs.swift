// EstimateCache+Runs: finished stimuli's measured seconds and iterations, read from a set's sidecars into the cache.

import Foundation
import TextureCore

extension EstimateCache.MeasuredRun {
    /// The figures of a stimulus `record` made on `machine`: its CPU seconds (wall seconds for a
    /// record without them). nil: another machine or build, or a record without timing or
    /// parameters; its speed says nothing about this one.
    public init?(record: StimulusRecord, machine: EstimateCache.MachineKey) {
        guard let timing = record.timing, timing.seconds.isFinite, record.iterations > 0,
            record.machine.cpu == machine.cpu, record.machine.blasCore == machine.blasCore,
            record.tool.version == machine.texstimVersion, record.tool.gitCommit == machine.gitCommit,
            (record.machine.winogradProducts ?? machine.productKernel) == machine.productKernel,
            let key = EstimateKey(record: record), let parameters = try? record.stimulusParameters()
        else { return nil }
        self.init(
            key: key, job: record.job?.id ?? record.source.path, iterationLimit: parameters.iterations,
            stopping: parameters.stopping, optimizer: parameters.optimizer, iterations: record.iterations,
            evaluations: record.evaluations, seconds: timing.cpuSeconds ?? timing.seconds, created: timing.created)
    }
}

extension EstimateCache {
    /// The measured runs of the plan's finished stimuli (their sidecars), made on `machine`.
    public static func runs(of plan: SetPlan, machine: MachineKey = .current) -> [MeasuredRun] {
        plan.jobs.compactMap { job in
            SetRunner.storedRecord(job, folder: plan.outputFolder).flatMap { MeasuredRun(record: $0, machine: machine) }
        }
    }

    /// Adds the plan's finished stimuli to the cache in `folder` (what `run` does at its end, so
    /// that the next `plan` knows how long such jobs took and how many iterations they needed).
    /// Returns a warning when the cache could not be read or written.
    public static func recordRuns(of plan: SetPlan, folder: String?) -> [String] {
        guard let folder else { return [] }
        let path = path(folder: folder)
        var (cache, warning) = load(path: path)
        guard cache.add(runs(of: plan)) > 0 else { return warning.map { [$0] } ?? [] }
        return [warning, cache.save(path: path)].compactMap { $0 }
    }
}
