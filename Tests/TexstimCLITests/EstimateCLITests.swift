// EstimateCLITests: plan says where each job's figures came from (timed now, cached, earlier runs), run records
// its stimuli unless told not to, and a damaged cache is a warning, never a failure. No time is asserted.

import Foundation
import Testing

@Suite struct EstimateCLITests {
    /// One source, one condition, two samples at 32², 12 iterations (enough to converge).
    static func manifest(_ folder: String) throws -> String {
        try pebblesManifest(in: folder, name: "estimate", size: 32, iterations: 12)
    }

    @Test func planTimesOnceThenCachesAndRunInformsTheNextPlan() throws {
        let folder = try temporaryFolder("estimate")
        let environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": folder + "/cache"]) { $1 }
        let manifest = try Self.manifest(folder)
        let cold = try texstim(["plan", manifest], environment: environment)
        #expect(cold.status == 0 && cold.output.contains("(timed now)"), "\(cold.output)\(cold.error)")
        #expect(cold.error.contains("plan: timing random-pyramid 32x32 colour level0,level1 winograd m20 1 thread"))
        let warm = try texstim(["plan", manifest], environment: environment)
        #expect(warm.output.contains(", cached)") && !warm.error.contains("plan: timing"), "\(warm.output)")
        let direct = try texstim(["plan", manifest, "--conv", "direct"], environment: environment)
        #expect(direct.error.contains("level0,level1 direct m20"), "\(direct.error)")

        let unrecorded = try texstim(
            ["run", manifest, "--output", folder + "/quiet", "--no-timing-cache", "--no-validate"],
            environment: environment)
        #expect(unrecorded.status == 0, "\(unrecorded.output)\(unrecorded.error)")
        #expect(try texstim(["plan", manifest], environment: environment).output.contains(", cached)"))
        let run = try texstim(["run", manifest, "--output", folder + "/set", "--no-validate"], environment: environment)
        #expect(run.status == 0, "\(run.output)\(run.error)")
        // Another set of the same kind of jobs (the cache's runs, not its own sidecars).
        let informed = try texstim(["plan", manifest, "--recalibrate"], environment: environment)
        #expect(informed.output.contains("(timed now)"), "\(informed.output)")
        let again = try texstim(["plan", manifest], environment: environment)
        #expect(again.output.contains("(2 earlier runs, newest "), "\(again.output)")
    }

    @Test func aDamagedCacheIsAWarningAndIsRewritten() throws {
        let folder = try temporaryFolder("estimate-damaged")
        let environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": folder + "/cache"]) { $1 }
        let manifest = try Self.manifest(folder)
        #expect(try texstim(["plan", manifest], environment: environment).status == 0)
        let cacheFolder = folder + "/cache/texstim"
        let files = try FileManager.default.contentsOfDirectory(atPath: cacheFolder).filter { $0.hasSuffix(".json") }
        #expect(files.count == 1 && files[0].hasPrefix("estimates-"))
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: cacheFolder + "/" + files[0]))
        let damaged = try texstim(["plan", manifest], environment: environment)
        #expect(damaged.status == 0 && damaged.output.contains("(timed now)"), "\(damaged.output)")
        #expect(damaged.error.contains("ignored the estimate cache"), "\(damaged.error)")
        #expect(damaged.error.contains("not a texstim estimate cache"), "\(damaged.error)")
        let repaired = try texstim(["plan", manifest], environment: environment)
        #expect(repaired.output.contains(", cached)") && !repaired.error.contains("ignored"), "\(repaired.error)")
    }
}
