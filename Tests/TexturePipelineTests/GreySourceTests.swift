// GreySourceTests: a grey source in a colour condition is announced at plan time, and a tinted
// stimulus of it is flagged by the `chroma` statistic while an untinted one is not.

import Foundation
import Testing
import TextureCore
import TextureImages
import TexturePipeline
import TextureSynthesis
import TextureValidation

@Suite struct GreySourceTests {
    @Test func chromaByHand() {
        // Pixel 0 grey, pixel 1 R−B = 10 codes, pixel 2 G−B = 4 codes: mean (0 + 10 + 4) / 3.
        let image = Tensor(Shape(3, 1, 3), data: [0.5, 0.5 + 10 / 255, 0.5 + 4 / 255,
                                                  0.5, 0.5, 0.5 + 4 / 255,
                                                  0.5, 0.5, 0.5])
        #expect(abs(PixelStatistics.chroma(image) - 14.0 / 3) < 1e-3)
        #expect(!PixelStatistics.isGrey(image))
        let grey = Tensor(Shape(3, 1, 3), data: [0.2, 0.4, 0.6, 0.2 + 1 / 255, 0.4, 0.6, 0.2, 0.4 - 1 / 255, 0.6])
        #expect(PixelStatistics.isGrey(grey) && PixelStatistics.chroma(grey) < 0.67)
        // Against a grey source the excess is the tint in codes; against a coloured one, a fraction.
        #expect(abs(PixelStatistics.excessChroma(image, source: Tensor(Shape(3, 1, 3), data: [Float](repeating: 0.5, count: 9))) - 14.0 / 3) < 1e-3)
        #expect(PixelStatistics.excessChroma(grey, source: image) == 0)
    }

    /// A grey copy (R = G = B) of pebbles and a one-condition colour set of it.
    func greySet(_ folder: String, extra: String = "") throws -> String {
        let pebbles = try ImageFile.load(path: sourcesFolder + "/pebbles_256.png").pixels
        let luma = ImagePreparation.luma(pebbles).data
        try PNGFile.encode(Tensor(Shape(3, pebbles.shape.height, pebbles.shape.width), data: luma + luma + luma), bitDepth: 8, text: nil)
            .write(to: URL(fileURLWithPath: folder + "/grey.png"))
        let manifest = folder + "/grey.yaml"
        try """
        version: 1
        name: grey
        seed: 3
        defaults: {size: 32, iterations: 4, histogram_match: true}
        sources:
          - {id: stones, path: grey.png}
        conditions:
          - {name: colour, layers: [level0]}
          - {name: grey, layers: [level0], grey: true}
        samples: 1
        \(extra)
        """.write(toFile: manifest, atomically: true, encoding: .utf8)
        return manifest
    }

    /// A source's `grey: true` holds in every condition, the colour one included (no warning);
    /// a source without it follows the conditions.
    @Test func aSourcesGreyHoldsInEveryCondition() throws {
        let folder = temporaryFolder()
        let manifest = try greySet(folder)
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
            .replacingOccurrences(of: "  - {id: stones, path: grey.png}",
                                  with: "  - {id: stones, path: grey.png, grey: true}\n"
                                      + "  - {id: pebbles, path: \(sourcesFolder)/pebbles_256.png}")
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        let plan = try SetPlanner.plan(manifestPath: manifest, outputOverride: folder + "/set")
        #expect(plan.warnings.isEmpty, "the grey source is grey in the colour condition too")
        let grey = Dictionary(uniqueKeysWithValues: plan.jobs.map { ($0.id, $0.parameters.grey) })
        #expect(grey == ["stones__colour__s00": true, "stones__grey__s00": true,
                         "pebbles__colour__s00": false, "pebbles__grey__s00": true], "\(grey)")
    }

    /// `grey: false` on a source and `grey: true` on a condition contradict each other: the
    /// manifest is refused, naming both, rather than one of them being ignored.
    @Test func aConditionContradictingASourcesGreyIsRefused() throws {
        let folder = temporaryFolder()
        let manifest = try greySet(folder)
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
            .replacingOccurrences(of: "  - {id: stones, path: grey.png}",
                                  with: "  - {id: stones, path: grey.png, grey: false}")
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        #expect {
            try SetPlanner.plan(manifestPath: manifest, outputOverride: folder + "/set")
        } throws: { error in
            let message = "\(error)"
            return message.contains("conditions[1].grey") && message.contains("condition 'grey' sets grey: true")
                && message.contains("source 'stones' (sources[0], line 6) sets grey: false")
        }
    }

    @Test func planWarnsAndOnlyATintedStimulusIsFlagged() throws {
        let folder = temporaryFolder()
        let manifest = try greySet(folder, extra: "validate: {chroma: {warn: 1, fail: 2}}")
        let plan = try SetPlanner.plan(manifestPath: manifest, outputOverride: folder + "/set")
        #expect(plan.warnings == ["\(manifest):6:5: sources[0]: source 'stones' (\(folder)/grey.png) is grey (R = G = B within one code value) "
                                  + "but condition colour synthesises it in colour, which can tint it. Hint: set grey: true for those conditions "
                                  + "(or grey: true on the source)"])
        _ = try SetRunner.run(plan: plan, options: RunOptions())
        let file = folder + "/set/stones/colour/stones__colour__s00.png"
        // An untinted colour stimulus (R = G = B) has no chroma finding...
        try rewrite(file) { pixels in
            let m = pixels.shape.positions
            for i in 0..<m { (pixels.data[m + i], pixels.data[2 * m + i]) = (pixels.data[i], pixels.data[i]) }
        }
        var report = SetValidator.validate(plan: plan)
        #expect(report.stimuli.first { $0.file == file }?.statistics?.chroma == 0)
        #expect(!report.findings.contains { $0.statistic == "chroma" }, "\(ValidationOutput.summary(report))")
        // ...and a magenta tint of 3 codes (R and B up, G down by 1.5) fails, naming the grey source.
        try rewrite(file) { pixels in
            let m = pixels.shape.positions
            for i in 0..<m { pixels.data[m + i] = max(0, pixels.data[m + i] - 3 / 255) }
        }
        report = SetValidator.validate(plan: plan)
        let finding = report.findings.first { $0.file == file && $0.statistic == "chroma" }
        #expect(finding?.level == .fail, "\(ValidationOutput.summary(report))")
        #expect(finding?.message.contains("a tint the grey source does not have") == true)
        // Without grey sources in colour conditions there is nothing to warn about.
        let greyOnly = try String(contentsOfFile: manifest, encoding: .utf8).replacingOccurrences(of: "  - {name: colour, layers: [level0]}\n", with: "")
        try greyOnly.write(toFile: manifest, atomically: true, encoding: .utf8)
        #expect(try SetPlanner.plan(manifestPath: manifest, outputOverride: folder + "/set2").warnings.isEmpty)
    }
}
