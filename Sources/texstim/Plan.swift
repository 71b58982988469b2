// Plan: `texstim plan MANIFEST` — the job table and an estimated CPU time, without running anything.

import ArgumentParser
import Foundation
import TextureCore
import TexturePipeline

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a manifest's jobs (id, seed, size, layers, iterations) and the estimated CPU time.",
        discussion: """
            The estimate times each kind of job (model, layers, size, grey or colour, --conv) once on this \
            machine, or uses how long such jobs took and how many iterations they needed in earlier runs \
            (`run` records them); both are cached in $XDG_CACHE_HOME/texstim (else ~/.cache/texstim), one file \
            per machine and texstim build. The figures are CPU time, one thread per job.

            """ + "\n" + exitCodesHelp)

    @Argument(help: "The set's YAML manifest.", completion: .file(extensions: manifestExtensions))
    var manifest: String

    @Option(parsing: .unconditional, help: "Workers to estimate the wall time for.")
    var workers: Int = 1

    @Option(help: "The convolution algorithm the run will use (it changes the speed).")
    var conv: ConvolutionChoice = .default

    @Flag(help: "Ignore the estimate cache's timings and runs: time every kind of job now (and cache that).")
    var recalibrate = false

    @Flag(help: allowUnverifiedWeightsHelp)
    var allowUnverifiedWeights = false

    func validate() throws {
        if workers < 1 { throw ValidationError("--workers must be at least 1.") }
    }

    func run() throws {
        let plan = try SetPlanner.plan(manifestPath: manifest, allowUnverifiedWeights: allowUnverifiedWeights)
        printWarnings(plan.warnings)
        var options = EstimateOptions()
        options.convolution = conv
        options.recalibrate = recalibrate
        options.log = { message in
            FileHandle.standardError.write(Data("plan: \(message)\n".utf8))
        }
        let estimate = SetEstimate.estimate(plan, options: options)
        printWarnings(estimate.warnings)
        print("set \(plan.manifest.name) → \(plan.outputFolder): \(plan.jobs.count) jobs")
        for (job, jobEstimate) in zip(plan.jobs, estimate.jobs) {
            let side = job.parameters.outputSize ?? job.parameters.size
            print([job.id, "seed \(job.parameters.seed)", side.map { "\($0)²" } ?? "source size",
                   (job.parameters.layers ?? []).joined(separator: ","), "\(job.parameters.iterations) it",
                   EstimateText.seconds(jobEstimate),
                   plan.memory[job.id].map { "~" + MachineMemory.format($0.bytes) } ?? "",
                   EstimateText.basis(jobEstimate.basis)]
                .joined(separator: "  "))
        }
        if let largest = plan.largestMemory {
            let limit = MachineMemory.limit()
            let workersText = "\(workers) worker\(workers == 1 ? "" : "s")"
            print("estimated peak memory \(MachineMemory.format(largest.bytes)) per worker (largest job); "
                  + "\(MachineMemory.format(largest.bytes(workers: workers))) with \(workersText) "
                  + "(limit \(MachineMemory.format(limit.bytes)), \(limit.source))")
        }
        print(EstimateText.total(estimate, workers: workers))
        try plan.checkMemory(workers: workers)
    }
}
