// OutputSafetyTests: texstim writes only into its own set folder, never through a link, never
// over a file it did not write or over an input, and sweeps only its own temporary files.

import Foundation
import Testing
import TextureImages
import TexturePipeline

/// One source, one condition, `samples` samples at 32², 12 iterations (converged): a set made in a second.
func tinyManifest(in folder: String, name: String = "tiny", samples: Int = 1, extra: String = "") throws -> String {
    let path = folder + "/\(name).yaml"
    try """
    version: 1
    name: \(name)
    seed: 3
    defaults: {size: 32, iterations: 12}
    sources:
      - {id: pebbles, path: \(sourcesFolder)/pebbles_256.png}
    conditions:
      - {name: fine, layers: [level0]}
    samples: \(samples)
    \(extra)
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

func runSet(_ manifest: String, output: String, force: Bool = false) throws(PipelineError) -> RunSummary {
    var options = RunOptions()
    options.force = force
    return try SetRunner.run(plan: SetPlanner.plan(manifestPath: manifest, outputOverride: output), options: options)
}

@Suite(.serialized) struct OutputSafetyTests {
    @Test func aLinkedSourceFolderInsideTheSetIsRefusedAndNothingIsWrittenThrough() throws {
        let folder = temporaryFolder()
        let manifest = try tinyManifest(in: folder)
        _ = try runSet(manifest, output: folder + "/set")
        try FileManager.default.removeItem(atPath: folder + "/set/pebbles")
        try FileManager.default.createDirectory(atPath: folder + "/elsewhere/fine", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder + "/set/pebbles", withDestinationPath: folder + "/elsewhere")
        #expect(throws: PipelineError.symbolicLink(path: folder + "/set/pebbles", target: folder + "/elsewhere", root: folder + "/set")) {
            try runSet(manifest, output: folder + "/set", force: true)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/elsewhere/fine").isEmpty)
        // A link one level deeper (the condition folder) is refused the same way.
        try FileManager.default.removeItem(atPath: folder + "/set/pebbles")
        try FileManager.default.createDirectory(atPath: folder + "/set/pebbles", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder + "/set/pebbles/fine", withDestinationPath: folder + "/elsewhere/fine")
        #expect(throws: PipelineError.symbolicLink(path: folder + "/set/pebbles/fine", target: folder + "/elsewhere/fine", root: folder + "/set")) {
            try runSet(manifest, output: folder + "/set")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/elsewhere/fine").isEmpty)
    }

    @Test func aFolderWithTheUsersFilesIsRefusedNamingThemAndTheirIndexIsKept() throws {
        let folder = temporaryFolder()
        let manifest = try tinyManifest(in: folder)
        let mine = folder + "/work"
        try FileManager.default.createDirectory(atPath: mine + "/notes", withIntermediateDirectories: true)
        try "participant,rt\n1,350\n".write(toFile: mine + "/index.csv", atomically: true, encoding: .utf8)
        try "draft".write(toFile: mine + "/notes/plan.txt", atomically: true, encoding: .utf8)
        #expect(throws: PipelineError.foreignFiles(folder: mine, files: ["index.csv", "notes/plan.txt"], more: false)) {
            try runSet(manifest, output: mine)
        }
        #expect(try String(contentsOfFile: mine + "/index.csv", encoding: .utf8) == "participant,rt\n1,350\n")
        #expect(!FileManager.default.fileExists(atPath: mine + "/pebbles") && !FileManager.default.fileExists(atPath: mine + "/.texstim.lock"))
        // The message names the files and says what to do.
        let message = PipelineError.foreignFiles(folder: mine, files: ["index.csv"], more: true).description
        #expect(message.contains("holds files texstim did not write: index.csv, …") && message.contains("Hint: choose a new or empty folder"))
    }

    @Test func aSetFromBeforeTheMarkerIsTakenAndAnotherSetsFolderIsRefused() throws {
        let folder = temporaryFolder()
        let manifest = try tinyManifest(in: folder)
        _ = try runSet(manifest, output: folder + "/set")
        #expect(try String(contentsOfFile: folder + "/set/.texstim-set", encoding: .utf8) == "texstim-set: tiny\n")
        // A set written before the marker existed holds only texstim's files: it is taken.
        try FileManager.default.removeItem(atPath: folder + "/set/.texstim-set")
        #expect(try runSet(manifest, output: folder + "/set").skipped == 1)
        #expect(FileManager.default.fileExists(atPath: folder + "/set/.texstim-set"))
        let other = try tinyManifest(in: folder, name: "other")
        #expect(throws: PipelineError.otherSet(folder: folder + "/set", owner: "tiny", set: "other")) { try runSet(other, output: folder + "/set") }
    }

    @Test func theSweepRemovesOnlyThisHostsTexstimTemporariesOfDeadProcesses() throws {
        let folder = temporaryFolder()
        let manifest = try tinyManifest(in: folder)
        let set = folder + "/set"
        _ = try runSet(manifest, output: set)
        let dead: Int32 = 4_194_400  // above Linux's largest pid_max: no such process
        let files = [
            "notes/.draft.tmp-\(dead)": true,  // the user's, kept
            "pebbles/fine/.a.png.texstim-tmp.another-node.\(dead)": true,  // another node's, kept
            "pebbles/fine/.b.png.texstim-tmp.\(TemporaryFiles.host).\(getpid())": true,  // a live process's, kept
            "pebbles/fine/.c.png.texstim-tmp.\(TemporaryFiles.host).\(dead)": false,  // ours and abandoned, removed
        ]
        try FileManager.default.createDirectory(atPath: set + "/notes", withIntermediateDirectories: true)
        for name in files.keys { try "x".write(toFile: set + "/" + name, atomically: false, encoding: .utf8) }
        _ = try runSet(manifest, output: set)
        for (name, kept) in files { #expect(FileManager.default.fileExists(atPath: set + "/" + name) == kept, "\(name)") }
        #expect(TemporaryFiles.owner(of: ".x.png.texstim-tmp.node.01.cluster.42")! == ("node.01.cluster", 42))
        #expect(TemporaryFiles.owner(of: ".draft.tmp-42") == nil)
    }

    @Test func aTruncatedOrReplacedPNGIsRedoneOnResume() throws {
        let folder = temporaryFolder()
        let manifest = try tinyManifest(in: folder, samples: 2)
        let set = folder + "/set"
        _ = try runSet(manifest, output: set)
        let first = set + "/pebbles/fine/pebbles__fine__s00.png", second = set + "/pebbles/fine/pebbles__fine__s01.png"
        let original = try Data(contentsOf: URL(fileURLWithPath: first)), other = try Data(contentsOf: URL(fileURLWithPath: second))
        try original.prefix(original.count / 2).write(to: URL(fileURLWithPath: first))  // the provenance chunk survives, the pixels do not
        try original.write(to: URL(fileURLWithPath: second))  // another valid texstim PNG
        let resumed = try runSet(manifest, output: set)
        #expect(resumed.done == 2 && resumed.skipped == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == original)
        #expect(try Data(contentsOf: URL(fileURLWithPath: second)) == other)
        #expect(try runSet(manifest, output: set).skipped == 2)
    }

    @Test func synthesizeRefusesToWriteOverItsSourceInitImageOrAForeignFile() throws {
        let folder = temporaryFolder()
        let source = folder + "/x.png"
        try FileManager.default.copyItem(atPath: sourcesFolder + "/pebbles_256.png", toPath: source)
        let before = try Data(contentsOf: URL(fileURLWithPath: source))
        var request = SynthesisRequest(sourcePath: source, outputPath: source)
        request.parameters.size = 32
        request.parameters.iterations = 2
        #expect(throws: PipelineError.outputIsInput(output: source, input: source, role: "source image")) { try SynthesisJob.run(request) }
        // The same file by another name: a link to the source, and a path through "..".
        try FileManager.default.createSymbolicLink(atPath: folder + "/link.png", withDestinationPath: source)
        request.outputPath = folder + "/link.png"
        #expect(throws: PipelineError.outputIsInput(output: folder + "/link.png", input: source, role: "source image")) { try SynthesisJob.run(request) }
        request.outputPath = folder + "/out.png"
        request.parameters.initImage = folder + "/sub/../out.png"
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
        #expect(throws: PipelineError.outputIsInput(output: folder + "/out.png", input: folder + "/sub/../out.png", role: "init image")) {
            try SynthesisJob.run(request)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: source)) == before)
        // A PNG texstim did not write is never replaced; one it wrote is.
        request.parameters.initImage = nil
        request.outputPath = folder + "/photo.png"
        try before.write(to: URL(fileURLWithPath: folder + "/photo.png"))
        #expect(throws: PipelineError.self) { try SynthesisJob.run(request) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/photo.png")) == before)
        request.outputPath = folder + "/out.png"
        _ = try SynthesisJob.run(request)
        _ = try SynthesisJob.run(request)
    }

    @Test func aLongGlobStemAndAnImpossibleContrastAreRefusedAtPlanTime() throws {
        let folder = temporaryFolder()
        let long = String(repeating: "a", count: 240)
        try FileManager.default.copyItem(atPath: sourcesFolder + "/pebbles_256.png", toPath: folder + "/\(long).png")
        let manifest = folder + "/long.yaml"
        try """
        version: 1
        name: long
        seed: 1
        defaults: {size: 32, iterations: 4}
        sources:
          - {glob: "*.png"}
        conditions:
          - {name: fine, layers: [level0]}
        samples: 1
        """.write(toFile: manifest, atomically: true, encoding: .utf8)
        do {
            _ = try SetPlanner.plan(manifestPath: manifest, outputOverride: folder + "/set")
            Issue.record("a 240-character stem passed plan")
        } catch {
            // Ids (glob stems included) have at most 80 characters, so the stem is refused as an id
            // before the 255-byte file-name check sees it.
            #expect(error.description.contains("sources[0].glob: '\(long).png' gives the source id '\(long)', which is not a safe file name"), "\(error)")
        }
        let contrast = try tinyManifest(in: folder, extra: "postprocess: {equalize: {mean_luminance: 0.45, rms_contrast: 1e300}}")
        do {
            _ = try SetPlanner.plan(manifestPath: contrast, outputOverride: folder + "/set")
            Issue.record("rms_contrast 1e300 passed plan")
        } catch {
            #expect(error.description.contains("postprocess.equalize.rms_contrast: expected a value above 0 and at most 1.106"), "\(error)")
        }
    }
}
