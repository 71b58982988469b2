// Plan: `texstim plan MANIFEST` — the job table and an estimated CPU time, without running anything.

import ArgumentParser
import Foundation
import TexturePipeline

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a manifest's jobs (id, seed, size, layers, iterations) and the estimated CPU time.",
        discussion: exitCodesHelp)

    @Argument(help: "The set's YAML manifest.", completion: .file(extensions: manifestExtensions))
    var manifest: String

    @Option(parsing: .unconditional, help: "Workers to estimate the wall time for.")
    var workers: Int = 1

    @Flag(help: allowUnverifiedWeightsHelp)
    var allowUnverifiedWeights = false

    func validate() throws {
        if workers < 1 { throw ValidationError("--workers must be at least 1.") }
    }

    func run() throws {
        let plan = try SetPlanner.plan(manifestPath: manifest, allowUnverifiedWeights: allowUnverifiedWeights)
        printWarnings(plan.warnings)
        let estimate = SetEstimate.estimate(plan)
        print("set \(plan.manifest.name) → \(plan.outputFolder): \(plan.jobs.count) jobs")
        for (job, seconds) in zip(plan.jobs, estimate.secondsPerJob) {
            let side = job.parameters.outputSize ?? job.parameters.size
            print([job.id, "seed \(job.parameters.seed)", side.map { "\($0)²" } ?? "source size",
                   (job.parameters.layers ?? []).joined(separator: ","), "\(job.parameters.iterations) it",
                   String(format: "~%.0f s", seconds),
                   plan.memory[job.id].map { "~" + MachineMemory.format($0.bytes) } ?? ""]
                .joined(separator: "  "))
        }
        if let largest = plan.largestMemory {
            let limit = MachineMemory.limit()
            let workersText = "\(workers) worker\(workers == 1 ? "" : "s")"
            print("estimated peak memory \(MachineMemory.format(largest.bytes)) per worker (largest job); "
                  + "\(MachineMemory.format(largest.bytes(workers: workers))) with \(workersText) "
                  + "(limit \(MachineMemory.format(limit.bytes)), \(limit.source))")
        }
        let cpu = estimate.totalCPUSeconds
        print(String(format: "estimated CPU time %.0f s (%.1f h) at %.1f GFLOP/s per worker; "
                     + "about %.0f s wall time with %d workers",
                     cpu, cpu / 3600, estimate.gflopPerSecond, cpu / Double(max(1, workers)), workers))
        try plan.checkMemory(workers: workers)
    }
}
