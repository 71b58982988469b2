// ManifestTemplateTests: `texstim init`'s clean source ids (a flat table of known answers), its YAML
// quoting, and `grey: true` on exactly the grey images.

import Foundation
import Testing
import TextureCore
import TextureImages
@testable import TexturePipeline

@Suite struct ManifestTemplateTests {
    @Test func cleanIDs() {
        let cases: [(String, String)] = [
            ("Pebbles_256.PNG", "pebbles"), ("maple-leaves-512px.png", "maple-leaves"), ("Wood Fence 1024.jpg", "wood-fence"),
            ("brick_256x256.jpeg", "brick"), ("bark-01.png", "bark-01"), ("café.png", "caf"), ("__odd__name__.png", "odd-name"),
            ("256.png", "256"), ("ÄÖÜ.png", "texture"), ("a.b.c.png", "a-b-c"),
        ]
        for (file, id) in cases { #expect(ManifestTemplate.cleanID((file as NSString).deletingPathExtension) == id, "\(file)") }
    }

    @Test func duplicatesAreNumberedInOrder() {
        #expect(ManifestTemplate.sourceIDs(for: ["a/Pebbles_256.png", "a/pebbles.jpg", "a/pebbles-2.png", "a/PEBBLES-512px.png"])
                == ["pebbles", "pebbles-2", "pebbles-2-2", "pebbles-3"])
    }

    @Test func pathsAreQuotedForYAML() {
        #expect(ManifestTemplate.quoted("a \"b\"\\c\td\n") == "\"a \\\"b\\\"\\\\c\\td\\n\"")
    }

    @Test func greyImagesAndOnlyThoseGetGreyTrue() throws {
        let folder = temporaryFolder()
        let (m, ramp) = (64, (0..<64).map { Float($0) / 63 })
        func write(_ name: String, _ channels: Int, _ data: [Float]) throws {
            try PNGFile.encode(Tensor(Shape(channels, 8, 8), data: data), bitDepth: 8, text: nil)
                .write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        try write("a-rgb-grey.png", 3, ramp + ramp + ramp)
        try write("b-one-channel.png", 1, ramp)
        // One pixel one code value off grey is colour: init is exact (the planner's warning is not).
        var almost = ramp + ramp + ramp
        almost[2 * m + 5] += 1 / 255
        try write("c-almost-grey.png", 3, almost)
        try write("d-colour.png", 3, ramp + ramp.reversed() + ramp)
        try Data("not a PNG".utf8).write(to: URL(fileURLWithPath: folder + "/e-broken.png"))

        let out = folder + "/study.yaml"
        #expect(try ManifestTemplate.write(folder: folder, out: out) == 5, "an unreadable image is still listed")
        let manifest = try ManifestReader.read(path: out)
        let grey = Dictionary(uniqueKeysWithValues: manifest.sources.map { ($0.id, $0.grey) })
        #expect(grey == ["a-rgb-grey": true, "b-one-channel": true, "c-almost-grey": nil, "d-colour": nil,
                         "e-broken": nil])
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("path: \"a-rgb-grey.png\", grey: true}\n"), "\(text)")
        #expect(text.contains("# grey: true             # synthesise grey-level stimuli"), "the comment stays")
    }

    @Test func everyIDPassesTheManifestReadersRule() {
        for id in ManifestTemplate.sourceIDs(for: ["x/.png", "x/--.png", "x/\(String(repeating: "ab-", count: 40)).png"]) {
            #expect(ManifestReader.isSafeName(id), "\(id)")
        }
    }
}
