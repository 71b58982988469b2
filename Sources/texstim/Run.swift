// Run: `texstim run MANIFEST` — synthesise a whole stimulus set (resumable, parallel, shardable).

import ArgumentParser
import Foundation
import TextureCore
import TexturePipeline

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Synthesise every stimulus of a manifest's set; finished stimuli are kept and skipped on a rerun.",
        discussion: exitCodesHelp)

    @OptionGroup var set: SetOptions

    @Option(parsing: .unconditional, help: "Worker threads, each running one job with single-threaded compute.")
    var workers: Int = 1

    @Option(help: ArgumentHelp("Run only shard I of N (0 ≤ I < N): the jobs whose index ≡ I mod N.", valueName: "I/N"))
    var shard: Shard?

    @Flag(help: "Redo every job, even finished ones.")
    var force = false

    @Flag(help: "Skip the validation at the end (it is also skipped for --shard runs).")
    var noValidate = false

    @Flag(help: ArgumentHelp("Synthesise nothing: assemble the index from all shards' sidecars and validate "
                             + "(a Slurm array's finishing job)."))
    var finish = false

    @Flag(help: ArgumentHelp("Do not add the finished stimuli's seconds and iterations to the estimate cache "
                             + "(which makes the next `texstim plan` of such jobs more accurate)."))
    var noTimingCache = false

    func validate() throws {
        if workers < 1 { throw ValidationError("--workers must be at least 1.") }
    }

    func run() throws {
        Interruption.install()
        var options = RunOptions()
        options.workers = workers
        options.convolution = set.conv
        options.optimizerCode = set.lbfgsb
        options.shard = shard
        options.force = force
        options.dryRun = set.dryRun
        options.outputOverride = set.output
        options.validate = !noValidate
        options.finishOnly = finish
        options.progress = RunProgressRenderer().sink
        let plan = try set.plan()
        printWarnings(plan.warnings)
        // Also after a failure or Ctrl-C: what finished tells the next plan how long such jobs take.
        defer {
            if !set.dryRun && !noTimingCache {
                printWarnings(EstimateCache.recordRuns(of: plan, folder: EstimateCache.folder()))
            }
        }
        let summary = try SetRunner.run(plan: plan, options: options) { print($0) }
        if set.dryRun { return }
        print("\(summary.outputFolder): \(summary.done) synthesised, \(summary.skipped) already current, "
              + "\(summary.failed.count) failed; index.csv lists \(summary.indexed) of \(plan.jobs.count) stimuli")
        for failure in summary.failed { print("  failed \(failure.id): \(failure.message)") }
        if let validation = summary.validation {
            print(ValidationOutput.summary(validation))
            print("reports: \(summary.outputFolder)/validation.html, validation.json and contact_sheet.png")
        }
        if !summary.failed.isEmpty { throw PipelineError.jobsFailed(count: summary.failed.count, total: summary.total) }
        try CommandStatus.check(summary.validation?.verdict.exitStatus ?? .success)
    }
}
