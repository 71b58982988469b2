// ManifestTests: a corpus of bad manifests, each with its exact message and nothing written;
// and the seed derivation's golden values.

import Foundation
import Testing
import TexturePipeline

let sourcesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("manifests/sources").path

let validManifest = """
    version: 1
    name: bad
    seed: 1
    sources:
      - {id: pebbles, path: \(sourcesFolder)/pebbles_256.png}
    conditions:
      - {name: fine, layers: [level0]}
    samples: 1
    """

/// Six levels of ten-fold aliases: 10⁶ nodes when expanded.
let aliasBomb = """
    a: &a [x, x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
    """

/// (manifest text, the problem's text after "<file>:", without the file name)
let badManifests: [(String, String)] = [
    (validManifest + "\ncolour: red", "9:1: colour: unknown key 'colour'. Hint: allowed keys: version, name, seed, output, defaults, sources, conditions, samples, postprocess, validate"),
    (validManifest.replacingOccurrences(of: "seed: 1", with: "seed: one"), "3:7: seed: expected a non-negative integer seed, got 'one'"),
    (validManifest.replacingOccurrences(of: "samples: 1", with: "samples: -2"), "8:10: samples: expected an integer from 1 to 10000, got -2"),
    (validManifest.replacingOccurrences(of: "version: 1", with: "version: 2"), "1:10: version: unsupported manifest version 2. Hint: this texstim reads version 1"),
    (validManifest.replacingOccurrences(of: "pebbles_256.png", with: "missing.png"),
     "5:5: sources[0].path: \(sourcesFolder)/missing.png: source image not found. Hint: check the path (relative paths start at the current directory)."),
    (validManifest.replacingOccurrences(of: "conditions:", with: "  - {id: pebbles, path: \(sourcesFolder)/maple-leaves_256.png}\nconditions:"),
     "6:5: sources[1].id: duplicate source id 'pebbles' (first at line 5). Hint: source ids must be unique"),
    (validManifest.replacingOccurrences(of: "[level0]", with: "[level0, conv9_9]"),
     "7:5: conditions[0].layers: unknown layer 'conv9_9' for model random-pyramid. Hint: choose from level0, level1, level2, level3, level4, level5, level6, level7."),
    (validManifest.replacingOccurrences(of: "layers: [level0]", with: "preset: \"gatys2015:pool9\""),
     "7:26: conditions[0].preset: unknown preset 'gatys2015:pool9'. Hint: use gatys2015:<conv1_1|pool1|pool2|pool3|pool4> or wallis2017:<conv1…conv5|powerspec>"),
    (validManifest + "\ndefaults: {size: -5}", "9:18: defaults.size: expected an integer from 16 to 8192, got -5. Hint: the side in pixels of the prepared source"),
    (validManifest + "\noutput: ../../etc",
     "9:9: output: '../../etc' leaves the output root. Hint: use a relative folder without '..', e.g. stimuli/my-set; pass --output for another place"),
    (validManifest + "\noutput: /tmp/elsewhere",
     "9:9: output: '/tmp/elsewhere' leaves the output root. Hint: use a relative folder without '..', e.g. stimuli/my-set; pass --output for another place"),
    (validManifest.replacingOccurrences(of: "id: pebbles", with: "id: peb/bles"),
     "5:10: sources[0].id: 'peb/bles' is not a safe file name. Hint: use 1–80 letters, digits, '-', '_' or '.', no leading '.', and no '__' (it separates job id parts)"),
    (validManifest + "\ndefaults: {model: alexnet}", "9:19: defaults.model: unknown model 'alexnet'. Hint: choose from random-pyramid, vgg19, vgg19-random, portilla-simoncelli"),
    (validManifest + "\ndefaults: {model: vgg19, weights: /nonexistent/w.safetensors}",
     "7:5: conditions[0].model: /nonexistent/w.safetensors: weights file not found. Hint: fetch or import the real VGG-19 (`texstim weights fetch vgg19`, `texstim weights import FILE`; see the README), pass --weights FILE, or set TEXSTIM_WEIGHTS_DIR; for the random-weights control use --model vgg19-random."),
    (validManifest + "\ndefaults: {bit_depth: 12}", "9:23: defaults.bit_depth: expected 8 or 16, got 12"),
    (validManifest + "\ndefaults: {init: random}", "9:18: defaults.init: expected shared or per-condition, got 'random'"),
    (validManifest.replacingOccurrences(of: "[level0]}", with: "[level0], iterations: 0}"),
     "7:48: conditions[0].iterations: expected an integer from 1 to 100000, got 0"),
    (validManifest.replacingOccurrences(of: "name: bad", with: "name: .."),
     "2:7: name: '..' is not a safe file name. Hint: use 1–80 letters, digits, '-', '_' or '.', no leading '.', and no '__' (it separates job id parts)"),
    (validManifest.replacingOccurrences(of: "\(sourcesFolder)/pebbles_256.png", with: fixture("truncated.png")),
     "5:5: sources[0].path: \(fixture("truncated.png")): corrupt or truncated PNG: chunk IDAT at byte 33 declares 46 data bytes, but only 32 bytes follow "
     + "(with its CRC it needs 50). Hint: re-export the image."),
    (validManifest.replacingOccurrences(of: "[level0]}", with: "[level0], layer_weights: [1, 2]}"),
     "7:51: conditions[0].layer_weights: 2 weights for 1 layers. Hint: give one weight per layer"),
    ("version: 1\nname: [a, b", "3:1: YAML syntax error: did not find expected ',' or ']'. Hint: check indentation and quoting near this line"),
    (validManifest.replacingOccurrences(of: "[level0]}", with: "[level0], preset: \"gatys2015:pool1\"}"), "7:5: conditions[0]: give either preset or layers, not both"),
    (validManifest + "\ndefaults: {itrations: 10}",
     "9:12: defaults.itrations: unknown key 'itrations'. Hint: did you mean 'iterations'? allowed keys: model, weights, size, output_size, crop, grey, iterations, histogram_match, bit_depth, init, stopping, allow_unverified_weights, n_scales, n_orientations, spatial_corr_width, statistics"),
    (validManifest.replacingOccurrences(of: "{id: pebbles, path: \(sourcesFolder)/pebbles_256.png}", with: "{glob: \"nothing/*.png\"}"),
     "5:12: sources[0].glob: 'nothing/*.png' matches no file. Hint: patterns are relative to the manifest's folder"),
    (aliasBomb,
     "1:1: the document expands to more than 100000 nodes. Hint: remove YAML aliases that repeat large blocks"),
    ("", " the manifest is empty. Hint: see manifests/demo.yaml for a template"),
    (validManifest + "\nvalidate: 3", "9:11: validate: expected a mapping (key: value lines), got '3'"),
    // A misspelt statistic, and a check that has no threshold to set, are errors, not silently ignored.
    (validManifest + "\nvalidate: {copy_corelation: {warn: 0.5}}",
     "9:12: validate.copy_corelation: unknown key 'copy_corelation'. Hint: did you mean 'copy_correlation'? "
     + "allowed keys: chroma, clipped_fraction, convergence, copy_correlation, duplicate_correlation, gram_loss, "
     + "histogram_distance, mean_luminance_spread, outlier_z, rms_contrast_spread, spectrum_distance"),
    (validManifest + "\nvalidate: {file: {fail: 1}}",
     "9:12: validate.file: unknown key 'file'. Hint: allowed keys: chroma, clipped_fraction, convergence, "
     + "copy_correlation, duplicate_correlation, gram_loss, histogram_distance, mean_luminance_spread, outlier_z, "
     + "rms_contrast_spread, spectrum_distance"),
    (validManifest.replacingOccurrences(of: "samples: 1", with: ""), "1:1: samples: required key is missing. Hint: see manifests/demo.yaml for a template"),
    (validManifest + "\ndefaults: {model: vgg19-random, size: 16}\n".replacingOccurrences(of: "fine, layers: [level0]", with: "x"),
     "7:5: conditions[0].layers: unknown layer 'level0' for model vgg19-random. Hint: choose from conv1_1, conv1_2, pool1, conv2_1, conv2_2, pool2, conv3_1, conv3_2, conv3_3, conv3_4, pool3, conv4_1, conv4_2, conv4_3, conv4_4, pool4, conv5_1, conv5_2, conv5_3, conv5_4, pool5."),
    // VGG's deepest map must stay 4×4: conv5_1 comes after 4 poolings, so 64 px (16 px used to pass).
    (validManifest.replacingOccurrences(of: "[level0]", with: "[conv1_1, conv5_1]") + "\ndefaults: {model: vgg19-random, size: 16}",
     "7:5: conditions[0]: source 'pebbles' at 16 px is too small for layers conv1_1,conv5_1: the minimum is 64 px. Hint: conv5_1 comes after 4 2×2 poolings, "
     + "which floor the side to side/16; its map must stay at least 4×4, so the image needs at least 64 px; raise size or use shallower layers"),
    (validManifest.replacingOccurrences(of: "[level0]}", with: "[level0], layer_weights: [0]}"),
     "7:51: conditions[0].layer_weights: every weight is 0, so the condition matches no statistics. Hint: give at least one layer a positive weight, e.g. 1"),
    (validManifest + "\ndefaults: {allow_unverified_weights: maybe}", "9:38: defaults.allow_unverified_weights: expected true or false, got 'maybe'"),
    (validManifest.replacingOccurrences(of: "[level0]}", with: "[level0], spectrum_weight: -1}"),
     "7:53: conditions[0].spectrum_weight: expected a non-negative number, got '-1'"),
    // The spectrum term needs the stimulus at the source's size: refused at plan time, not job by job.
    (validManifest.replacingOccurrences(of: "[level0]}", with: "[level0], spectrum_weight: 0.01}") + "\ndefaults: {size: 64, output_size: 96}",
     "7:5: conditions[0].output_size: source 'pebbles' is 64×64 px but output_size is 96: the spectrum term needs the stimulus at the source's size "
     + "(the source's Fourier modulus has no values at other frequencies). Hint: drop output_size, or set size: 96 to prepare the source at that size"),
    // Duplicate keys: Yams names only the first occurrence; the repeat is placed with its key path.
    (validManifest + "\nseed: 2", "9:1: seed: duplicate key 'seed' (first at line 3). Hint: each key may appear once per mapping; remove or merge the repeats"),
    (validManifest + "\n\"na\\x6De\": again", "9:1: name: duplicate key 'name' (first at line 2). Hint: each key may appear once per mapping; remove or merge the repeats"),
    (validManifest + "\ndefaults: {size: 32, size: 64}",
     "9:22: defaults.size: duplicate key 'size' (first at line 9). Hint: each key may appear once per mapping; remove or merge the repeats"),
    (validManifest.replacingOccurrences(of: "[level0]}", with: "[level0],\n         name: coarse}"),
     "8:10: conditions[0].name: duplicate key 'name' (first at line 7). Hint: each key may appear once per mapping; remove or merge the repeats"),
]

@Suite struct ManifestTests {
    @Test(arguments: badManifests.indices)
    func badManifestIsRefusedWithItsMessageAndWritesNothing(index: Int) throws {
        let (text, expected) = badManifests[index]
        let folder = temporaryFolder()
        let path = folder + "/case\(index).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let output = folder + "/out"
        do {
            let plan = try SetPlanner.plan(manifestPath: path, outputOverride: index == 10 ? nil : output)
            _ = try SetRunner.run(plan: plan, options: RunOptions())
            Issue.record("case \(index) was accepted")
        } catch {
            guard case .manifest(let manifestError) = error else { Issue.record("case \(index): \(error)"); return }
            #expect(manifestError.issues.first?.description == path + ":" + expected, "case \(index)")
            #expect(manifestError.issues.count == 1, "case \(index): \(manifestError)")
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func allProblemsAreReportedAtOnce() throws {
        let folder = temporaryFolder()
        let path = folder + "/many.yaml"
        try (validManifest.replacingOccurrences(of: "seed: 1", with: "seed: -1") + "\ncolour: red\ndefaults: {grey: maybe}")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: PipelineError.self) { try SetPlanner.plan(manifestPath: path) }
        do { _ = try SetPlanner.plan(manifestPath: path) } catch {
            guard case .manifest(let manifestError) = error else { return }
            #expect(manifestError.issues.map(\.keyPath).sorted() == ["colour", "defaults.grey", "seed"])
            #expect(manifestError.description.hasPrefix("manifest has 3 problems:\n  \(path):"))
        }
    }

    /// Every repeat is reported, each at its own line: a key given three times, another (quoted) key twice.
    @Test func everyDuplicateKeyIsPlaced() throws {
        let folder = temporaryFolder()
        let path = folder + "/dups.yaml"
        try (validManifest + "\nsamples: 2\n\"name\": again\nsamples: 3").write(toFile: path, atomically: true, encoding: .utf8)
        do { _ = try SetPlanner.plan(manifestPath: path); Issue.record("accepted") } catch {
            guard case .manifest(let manifestError) = error else { Issue.record("\(error)"); return }
            #expect(manifestError.issues.map { "\($0.line):\($0.column): \($0.keyPath): \($0.message)" } == [
                "9:1: samples: duplicate key 'samples' (first at line 8)",
                "10:1: name: duplicate key 'name' (first at line 2)",
                "11:1: samples: duplicate key 'samples' (first at line 8)",
            ])
        }
    }

    /// Glob stems follow the explicit ids' rule (ASCII, file-name-safe); each file that breaks it is
    /// named, with the explicit entry to use instead. 'café' used to pass as an id.
    @Test func globStemsFollowTheIdRule() throws {
        let folder = temporaryFolder()
        for name in ["café.png", "a b.png", "ok_1.png"] {
            try FileManager.default.copyItem(atPath: sourcesFolder + "/pebbles_256.png", toPath: folder + "/" + name)
        }
        let path = folder + "/glob.yaml"
        try validManifest.replacingOccurrences(of: "{id: pebbles, path: \(sourcesFolder)/pebbles_256.png}", with: "{glob: \"*.png\"}")
            .write(toFile: path, atomically: true, encoding: .utf8)
        do { _ = try SetPlanner.plan(manifestPath: path, outputOverride: folder + "/out"); Issue.record("accepted") } catch {
            guard case .manifest(let manifestError) = error else { Issue.record("\(error)"); return }
            let hint = "Hint: ids are 1–80 ASCII letters, digits, '-', '_' or '.', no leading '.', and no '__'; rename the file or list it as"
            #expect(manifestError.issues.map(\.description) == [
                "\(path):5:12: sources[0].glob: 'a b.png' gives the source id 'a b', which is not a safe file name. \(hint) {id: <safe id>, path: a b.png}",
                "\(path):5:12: sources[0].glob: 'café.png' gives the source id 'café', which is not a safe file name. \(hint) {id: <safe id>, path: café.png}",
            ])
        }
    }

    /// Bytes in memory (what the manifest fuzz target feeds) read as the file would, named by `path`.
    @Test func manifestBytesReadAsTheFileWould() throws {
        let manifest = try ManifestReader.read(data: Data(validManifest.utf8), path: "/elsewhere/m.yaml")
        #expect(manifest.name == "bad" && manifest.path == "/elsewhere/m.yaml" && manifest.sources.count == 1)
        let bad = Data(validManifest.replacingOccurrences(of: "seed: 1", with: "seed: one").utf8)
        do { _ = try ManifestReader.read(data: bad, path: "/elsewhere/m.yaml"); Issue.record("accepted") } catch {
            guard case .manifest(let manifestError) = error else { Issue.record("\(error)"); return }
            #expect(manifestError.issues.map { "\($0.file):\($0.line):\($0.keyPath)" } == ["/elsewhere/m.yaml:3:seed"])
        }
    }

    @Test func seedDerivationGoldenValues() {
        #expect(SeedDerivation.fnv1a64("") == 0xCBF2_9CE4_8422_2325)
        #expect(SeedDerivation.fnv1a64("a") == 0xAF63_DC4C_8601_EC8C)
        let shared = SeedDerivation.jobSeed(setSeed: 2026, sourceId: "pebbles", sample: 0, condition: nil)
        #expect(shared == 7_850_618_446_703_646_715)
        #expect(SeedDerivation.jobSeed(setSeed: 2026, sourceId: "pebbles", sample: 1, condition: nil) != shared)
        #expect(SeedDerivation.jobSeed(setSeed: 2026, sourceId: "pebbles", sample: 0, condition: "fine") != shared)
        #expect(StimulusJob.identifier(source: "a", condition: "b", sample: 3, samples: 10) == "a__b__s03")
        #expect(StimulusJob.identifier(source: "a", condition: "b", sample: 7, samples: 120) == "a__b__s007")
    }

    @Test func shardsPartitionTheJobs() {
        for count in 1...7 {
            for jobs in [0, 1, 5, 18] {
                let owners = (0..<jobs).map { job in (0..<count).filter { Shard(index: $0, count: count).contains(jobIndex: job) } }
                #expect(owners.allSatisfy { $0.count == 1 })
            }
        }
        #expect(Shard("1/4") == Shard(index: 1, count: 4))
        #expect(Shard("4/4") == nil && Shard("a/b") == nil && Shard("0/0") == nil)
    }
}
