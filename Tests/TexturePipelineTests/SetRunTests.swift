// SetRunTests: the same manifest gives the same bytes whatever the workers or shards; reruns skip
// current stimuli, redo stale ones; reproduce says identical; the index lists every stimulus.

import Foundation
import Testing
import TextureImages
import TexturePipeline
import TextureSynthesis
import TextureValidation

/// 2 sources × 2 conditions × 2 samples at 32², 12 iterations (enough to converge): 8 small jobs.
func smallManifest(in folder: String, iterations: Int = 12) throws -> String {
    let path = folder + "/small.yaml"
    try """
    version: 1
    name: small
    seed: 7
    defaults: {size: 32, iterations: \(iterations)}
    sources:
      - {id: pebbles, path: \(sourcesFolder)/pebbles_256.png}
      - {id: leaves, path: \(sourcesFolder)/maple-leaves_256.png}
    conditions:
      - {name: fine, layers: [level0]}
      - {name: both, layers: [level0, level1], grey: true, bit_depth: 16, histogram_match: true}
    samples: 2
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// Every file of a set: PNG bytes, and sidecars without their timing block.
func setContents(_ folder: String) throws -> [String: Data] {
    var contents: [String: Data] = [:]
    for case let path as String in FileManager.default.enumerator(atPath: folder)! where path.hasSuffix(".png") || path.hasSuffix(".json") || path.hasSuffix(".csv") {
        var data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + path))
        if path.hasSuffix(".json") && path != "index.json" && path != "stimuli.json" {
            var record = try StimulusRecord.decode(String(decoding: data, as: UTF8.self))
            record.timing = nil
            data = Data(record.json().utf8)
        }
        contents[path] = data
    }
    return contents
}

@Suite(.serialized) struct SetRunTests {
    @Test func sameBytesForOneWorkerTwoWorkersAndTwoShards() throws {
        let folder = temporaryFolder()
        let manifest = try smallManifest(in: folder)
        func run(_ output: String, workers: Int, shard: Shard?) throws {
            var options = RunOptions()
            options.workers = workers
            options.shard = shard
            let summary = try SetRunner.run(plan: SetPlanner.plan(manifestPath: manifest, outputOverride: folder + "/" + output), options: options)
            #expect(summary.failed.isEmpty)
        }
        try run("one", workers: 1, shard: nil)
        try run("two", workers: 2, shard: nil)
        try run("shards", workers: 1, shard: Shard(index: 0, count: 2))
        try run("shards", workers: 1, shard: Shard(index: 1, count: 2))
        let one = try setContents(folder + "/one"), two = try setContents(folder + "/two"), shards = try setContents(folder + "/shards")
        #expect(one.count == 8 * 2 + 3)  // PNG + sidecar per job, index.csv, index.json and stimuli.json
        #expect(one == two)
        #expect(one == shards)
        let csv = String(decoding: one["index.csv"]!, as: UTF8.self).split(separator: "\n")
        #expect(csv.count == 9 && csv[0].hasPrefix("stimulus,job_id,source,condition,sample,seed"))
        #expect(csv[1].hasPrefix("pebbles/fine/pebbles__fine__s00.png,pebbles__fine__s00,pebbles,fine,0,"))
    }

    @Test func rerunSkipsCurrentRedoesStaleAndReproduceSaysIdentical() throws {
        let folder = temporaryFolder()
        let manifest = try smallManifest(in: folder)
        let output = folder + "/set"
        _ = try SetRunner.run(plan: SetPlanner.plan(manifestPath: manifest, outputOverride: output), options: RunOptions())
        let again = try SetRunner.run(plan: SetPlanner.plan(manifestPath: manifest, outputOverride: output), options: RunOptions())
        #expect(again.skipped == 8 && again.done == 0)
        // A changed setting makes every stimulus stale.
        _ = try smallManifest(in: folder, iterations: 13)
        let stale = try SetRunner.run(plan: SetPlanner.plan(manifestPath: manifest, outputOverride: output), options: RunOptions())
        #expect(stale.done == 8)
        var force = RunOptions()
        force.force = true
        #expect(try SetRunner.run(plan: SetPlanner.plan(manifestPath: manifest, outputOverride: output), options: force).done == 8)
        for file in try Reproduction.stimuli(at: output + "/leaves") {
            let result = Reproduction.reproduce(file)
            #expect(result.identical, "\(file): \(result.verdict)")
        }
    }

    @Test func reproduceNamesAChangedSource() throws {
        let folder = temporaryFolder()
        let source = folder + "/source.png"
        try FileManager.default.copyItem(atPath: sourcesFolder + "/pebbles_256.png", toPath: source)
        var request = SynthesisRequest(sourcePath: source, outputPath: folder + "/out.png")
        request.parameters.size = 32
        request.parameters.iterations = 3
        _ = try SynthesisJob.run(request)
        #expect(Reproduction.reproduce(folder + "/out.png").identical)
        try FileManager.default.removeItem(atPath: source)
        try FileManager.default.copyItem(atPath: sourcesFolder + "/maple-leaves_256.png", toPath: source)
        let result = Reproduction.reproduce(folder + "/out.png")
        #expect(result.problem?.hasPrefix("source \(source) changed (SHA-256 ") == true, "\(result.problem ?? "")")
    }

    @Test func aSecondRunOnTheSameSetIsRefused() throws {
        let folder = temporaryFolder()
        let manifest = try smallManifest(in: folder)
        let plan = try SetPlanner.plan(manifestPath: manifest, outputOverride: folder + "/set")
        try FileManager.default.createDirectory(atPath: folder + "/set", withIntermediateDirectories: true)
        let held = try RunLock(folder: folder + "/set", shard: nil)
        #expect(throws: PipelineError.runLocked(path: folder + "/set/.texstim.lock")) { try SetRunner.run(plan: plan, options: RunOptions()) }
        held.release()
        let shardLock = try RunLock(folder: folder + "/set", shard: Shard(index: 0, count: 2))
        _ = try RunLock(folder: folder + "/set", shard: Shard(index: 1, count: 2))  // shards coexist
        shardLock.release()
    }
}

@Suite struct EqualizedSetTests {
    @Test func equalizedSetMeetsItsTargetsInTheFiles() throws {
        let folder = temporaryFolder()
        let manifest = try smallManifest(in: folder)
        let text = try String(contentsOfFile: manifest, encoding: .utf8) + "\npostprocess: {equalize: {mean_luminance: 0.45, rms_contrast: 0.25, clipping: clip}}\n"
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        var options = RunOptions()
        options.validate = true
        let summary = try SetRunner.run(plan: SetPlanner.plan(manifestPath: manifest, outputOverride: folder + "/set"), options: options)
        let report = try #require(summary.validation)
        #expect(!report.findings.contains { $0.statistic == "equalize" }, "\(ValidationOutput.summary(report))")
        for stimulus in report.stimuli {
            let luminance = try #require(stimulus.statistics?.luminance)
            #expect(abs(luminance.mean - 0.45) < 2.0 / 255 && abs(luminance.rmsContrast - 0.25) < 0.01)
        }
        let record = try Reproduction.record(of: folder + "/set/" + "pebbles/fine/pebbles__fine__s00.png")
        #expect(record.postprocessing.equalize?.meanLuminance == 0.45)
        #expect(record.parameters?.equalize?.clipping == .clip)
    }

    /// histogram_distance compares an equalised stimulus with the source after the same map: a
    /// correct histogram-matched equalised set passes, and a stimulus whose histogram was bent
    /// afterwards (square root, same file otherwise) still fails.
    @Test func equalizedSetPassesHistogramDistanceAndABrokenOneFails() throws {
        let folder = temporaryFolder()
        let manifest = folder + "/eq.yaml"
        try """
        version: 1
        name: eq
        seed: 5
        defaults: {size: 32, iterations: 6, histogram_match: true}
        sources:
          - {id: pebbles, path: \(sourcesFolder)/pebbles_256.png}
        conditions:
          - {name: colour, layers: [level0]}
          - {name: grey, layers: [level0], grey: true}
        samples: 2
        postprocess: {equalize: {mean_luminance: 0.6, rms_contrast: 0.15, clipping: clip}}
        """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let plan = try SetPlanner.plan(manifestPath: manifest, outputOverride: folder + "/set")
        _ = try SetRunner.run(plan: plan, options: RunOptions())
        var report = SetValidator.validate(plan: plan)
        #expect(!report.findings.contains { $0.statistic == "histogram_distance" || $0.statistic == "equalize" }, "\(ValidationOutput.summary(report))")
        // The test has teeth: against the unequalised source these stimuli are far off.
        let file = folder + "/set/pebbles/colour/pebbles__colour__s00.png"
        let raw = ImagePreparation.prepareSource(try ImageFile.load(path: sourcesFolder + "/pebbles_256.png").pixels, size: 32, grey: false)
        #expect(PixelStatistics.histogramDistance(try ImageFile.load(path: file).pixels, raw) >= 0.08)
        try rewrite(file) { pixels in for i in pixels.data.indices { pixels.data[i] = pixels.data[i].squareRoot() } }
        report = SetValidator.validate(plan: plan)
        #expect(report.findings.contains { $0.file == file && $0.statistic == "histogram_distance" && $0.level == .fail },
                "\(ValidationOutput.summary(report))")
    }
}
