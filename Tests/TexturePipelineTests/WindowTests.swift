// WindowTests: `postprocess.window` from manifest and option text to provenance, reproduction and
// validation measured on the aperture's plateau.

import Foundation
import Testing
import TextureCore
import TextureImages
import TexturePipeline
import TextureSynthesis
import TextureValidation

/// Bad windows, each with the start of its message (file:line:column, key path, value, rule).
let badWindows: [(String, String)] = [
    ("{window: {shape: oval, ramp: 4}}", "10:31: postprocess.window.shape: unknown shape 'oval'. Hint: choose circle or rectangle"),
    ("{window: {shape: circle}}", "10:23: postprocess.window.ramp: required key is missing"),
    ("{window: {shape: circle, radius: 10, ramp: 12}}",
     "10:57: postprocess.window.ramp: ramp 12.0 px is not smaller than the radius 10.0 px"),
    ("{window: {shape: rectangle, size: [20, 8], ramp: 4}}",
     "10:63: postprocess.window.ramp: ramp 4.0 px is not smaller than the rectangle's half side 4.0 px"),
    ("{window: {shape: circle, ramp: 4, background: 1.5}}",
     "10:60: postprocess.window.background: expected mean or a value between 0 and 1, got '1.5'"),
    ("{window: {shape: circle, ramp: 4, background: grey}}",
     "10:60: postprocess.window.background: expected mean or a value between 0 and 1, got 'grey'"),
    ("{window: {shape: circle, ramp: -2}}", "10:45: postprocess.window.ramp: expected a non-negative number, got '-2'"),
    ("{window: {shape: circle, radius: 0, ramp: 0}}", "10:47: postprocess.window.radius: expected a number of pixels above 0, got 0.0"),
    ("{window: {shape: rectangle, radius: 10, ramp: 2}}", "10:50: postprocess.window.radius: radius is for shape: circle"),
    ("{window: {shape: circle, size: 10, ramp: 2}}", "10:45: postprocess.window.size: size is for shape: rectangle"),
    ("{window: {shape: rectangle, size: [10, 10, 3], ramp: 2}}", "10:48: postprocess.window.size: expected [width, height], got 3 values"),
    ("{window: {shape: circle, ramp: 2, radius_px: 3}}", "10:48: postprocess.window.radius_px: unknown key 'radius_px'"),
    ("{windw: {shape: circle, ramp: 2}}", "10:15: postprocess.windw: unknown key 'windw'. Hint: did you mean 'window'?"),
    // The manifest alone is fine; the 32 px stimuli are too small for it: refused at plan time.
    ("{window: {shape: circle, radius: 20, ramp: 4}}",
     "10:23: postprocess.window: radius 20.0 px does not fit in the 32×32 px stimulus (at most 16.0) (source pebbles in fine)"),
]

/// A set of 1 source × 2 conditions × 2 samples at 48², equalised and windowed.
func windowedManifest(in folder: String, window: String = "{shape: circle, ramp: 6}") throws -> String {
    let path = folder + "/windowed.yaml"
    try """
    version: 1
    name: windowed
    seed: 11
    defaults: {size: 48, iterations: 15, histogram_match: true}
    sources:
      - {id: pebbles, path: \(sourcesFolder)/pebbles_256.png}
    conditions:
      - {name: colour, layers: [level0, level1]}
      - {name: grey, layers: [level0, level1], grey: true, bit_depth: 16}
    samples: 2
    postprocess:
      equalize: {mean_luminance: 0.45, rms_contrast: 0.25, clipping: clip}
      window: \(window)
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Suite struct WindowManifestTests {
    @Test(arguments: badWindows.indices)
    func badWindowIsRefusedWithItsField(index: Int) throws {
        let (block, expected) = badWindows[index]
        let folder = temporaryFolder()
        let path = folder + "/window\(index).yaml"
        try (validManifest + "\ndefaults: {size: 32}\npostprocess: \(block)\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try SetPlanner.plan(manifestPath: path, outputOverride: folder + "/out")
            Issue.record("case \(index) was accepted")
        } catch {
            guard case .manifest(let manifestError) = error else { Issue.record("case \(index): \(error)"); return }
            #expect(manifestError.issues.first?.description.hasPrefix(path + ":" + expected) == true,
                    "case \(index): \(manifestError)")
            #expect(manifestError.issues.count == 1, "case \(index): \(manifestError)")
        }
    }

    @Test func aGoodWindowReachesEveryJob() throws {
        let folder = temporaryFolder()
        let plan = try SetPlanner.plan(
            manifestPath: windowedManifest(in: folder, window: "{shape: rectangle, size: [40, 30], ramp: 5, background: 0.5}"),
            outputOverride: folder + "/set")
        let expected = ApertureWindow(shape: .rectangle, width: 40, height: 30, ramp: 5, background: .value(0.5))
        #expect(plan.jobs.count == 4 && plan.jobs.allSatisfy { $0.parameters.window == expected })
    }

    @Test func optionTextRoundTripsAndNamesBadValues() throws {
        let cases: [(String, ApertureWindow)] = [
            ("circle:ramp=16", ApertureWindow(shape: .circle, ramp: 16)),
            ("circle:ramp=8,radius=100.5,background=0.5", ApertureWindow(shape: .circle, radius: 100.5, ramp: 8, background: .value(0.5))),
            ("rectangle:ramp=0,size=200x120", ApertureWindow(shape: .rectangle, width: 200, height: 120, ramp: 0)),
            ("rectangle:size=64,ramp=4", ApertureWindow(shape: .rectangle, width: 64, height: 64, ramp: 4)),
        ]
        for (text, window) in cases {
            #expect(try ApertureWindow(text: text) == window, "\(text)")
            #expect(try ApertureWindow(text: window.text) == window, "\(window.text)")
        }
        let bad: [(String, String, String)] = [
            ("oval:ramp=3", "oval:ramp=3", "start with the shape"),
            ("circle", "circle", "give the ramp's width"),
            ("circle:ramp=20,radius=10", "ramp=20", "the ramp lies inside the aperture and must be smaller than 10.0 px"),
            ("circle:ramp=2,size=10", "size=10", "size is for a rectangle"),
            ("circle:ramp=2,background=2", "background=2", "background is mean or a value from 0 to 1"),
            ("circle:ramp=x", "ramp=x", "ramp is a number of pixels ≥ 0"),
            ("circle:ramp=2,ramp=3", "ramp=3", "give ramp once"),
            ("circle:ramp=2,colour=red", "colour=red", "give key=value with the keys"),
        ]
        for (text, value, hint) in bad {
            do {
                _ = try ApertureWindow(text: text)
                Issue.record("\(text) was accepted")
            } catch {
                guard case .invalidArgument(let name, let got, let message) = error else { Issue.record("\(error)"); continue }
                #expect(name == "--window" && got == value && message.hasPrefix(hint), "\(text): \(error)")
            }
        }
    }
}

@Suite struct WindowProvenanceTests {
    /// A windowed record is format 3 and round-trips; a parameter record without `window` (every
    /// record before it) decodes to nil and is written without the key, as before.
    @Test func windowRoundTripsAndOldRecordsStayAsTheyWere() throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var windowed = StimulusParameters()
        windowed.window = ApertureWindow(shape: .circle, radius: 30, ramp: 6, background: .value(0.5))
        let text = String(decoding: try encoder.encode(windowed), as: UTF8.self)
        #expect(text.contains("\"window\":{\"background\":0.5,\"radius\":30,\"ramp\":6,\"shape\":\"circle\"}"), "\(text)")
        #expect(try decoder.decode(StimulusParameters.self, from: Data(text.utf8)) == windowed)
        let plain = String(decoding: try encoder.encode(StimulusParameters()), as: UTF8.self)
        #expect(!plain.contains("window"))
        #expect(try decoder.decode(StimulusParameters.self, from: Data(plain.utf8)).window == nil)
        #expect(StimulusRecord.formatVersion(for: StimulusParameters()) == 2)
        #expect(StimulusRecord.formatVersion(for: windowed) == 3)
    }

    /// One windowed stimulus: format 3, the window and its background in the record, an edited
    /// window is a contradiction, and `reproduce` re-applies it bit for bit (16-bit).
    @Test func aWindowedStimulusRecordsReproducesAndCatchesEdits() throws {
        let folder = temporaryFolder()
        let window = ApertureWindow(shape: .circle, ramp: 4)
        let outcome = try SynthesisJob.run(SynthesisJobTests.request(folder) {
            $0.parameters.window = window
            $0.parameters.bitDepth = 16
        })
        let record = outcome.record
        #expect(record.recordFormatVersion == 3 && record.parameters?.window == window)
        #expect(record.postprocessing.window == window)
        let background = try #require(record.postprocessing.windowBackground)
        #expect(background > 0.1 && background < 0.9)
        // The corners are the background (to 16-bit quantisation).
        let image = try ImageFile.load(path: outcome.pngPath)
        #expect(image.bitDepth == 16 && abs(Double(image.pixels.data[0]) - background) <= 0.5 / 65535 + 1e-7)
        #expect(StimulusAgreement.selfContradictions(record, file: outcome.pngPath).isEmpty)
        var edited = record
        edited.postprocessing.window?.ramp = 2
        #expect(StimulusAgreement.selfContradictions(edited, file: outcome.pngPath).map(\.field) == ["postprocessing.window"])
        let result = Reproduction.reproduce(outcome.pngPath)
        #expect(result.identical, "\(result.verdict)")
    }
}

@Suite(.serialized) struct WindowedSetTests {
    /// The whole path: plan, run, validate from the files (statistics on the plateau), rerun,
    /// reproduce; and the test has teeth: over the whole image the same files fail.
    @Test func windowedSetValidatesOnThePlateauAndReproduces() throws {
        let folder = temporaryFolder()
        let manifest = try windowedManifest(in: folder)
        let output = folder + "/set"
        var options = RunOptions()
        options.validate = true
        let summary = try SetRunner.run(plan: SetPlanner.plan(manifestPath: manifest, outputOverride: output), options: options)
        #expect(summary.failed.isEmpty && summary.done == 4)
        let report = try #require(summary.validation)
        #expect(report.verdict != .fail, "\(ValidationOutput.summary(report))")
        let statistics: Set<String> = ["equalize", "histogram_distance", "clipped_fraction", "spectrum_distance",
                                       "provenance", "sidecar", "duplicate_correlation"]
        #expect(!report.findings.contains { statistics.contains($0.statistic) }, "\(ValidationOutput.summary(report))")
        for stimulus in report.stimuli {
            let measured = try #require(stimulus.statistics)
            #expect(abs(measured.luminance.mean - 0.45) < 2.0 / 255 && abs(measured.luminance.rmsContrast - 0.25) < 0.01)
            // Teeth: the file as a whole has the grey surround's histogram and a lower contrast.
            let pixels = try ImageFile.load(path: stimulus.file).pixels
            let whole = PixelStatistics.luminance(PixelStatistics.luma(pixels))
            #expect(whole.rmsContrast < 0.2, "\(whole)")
            let source = ImagePreparation.prepareSource(
                try ImageFile.load(path: sourcesFolder + "/pebbles_256.png").pixels, size: 48, grey: pixels.shape.channels == 1)
            let reference = try Equalization(meanLuminance: 0.45, rmsContrast: 0.25, clipping: .clip).apply(source).0
            #expect(PixelStatistics.histogramDistance(pixels, reference) > 2 * measured.histogramDistance,
                    "\(PixelStatistics.histogramDistance(pixels, reference)) vs \(measured.histogramDistance)")
            let record = try Reproduction.record(of: stimulus.file)
            #expect(record.postprocessing.windowBackground == 0.45)
        }
        let again = try SetRunner.run(plan: SetPlanner.plan(manifestPath: manifest, outputOverride: output), options: RunOptions())
        #expect(again.skipped == 4 && again.done == 0)
        for file in try Reproduction.stimuli(at: output) {
            let result = Reproduction.reproduce(file)
            #expect(result.identical, "\(file): \(result.verdict)")
        }
        // Another window makes every stimulus stale.
        _ = try windowedManifest(in: folder, window: "{shape: circle, ramp: 8}")
        let stale = try SetRunner.run(plan: SetPlanner.plan(manifestPath: manifest, outputOverride: output), options: RunOptions())
        #expect(stale.done == 4)
    }
}
