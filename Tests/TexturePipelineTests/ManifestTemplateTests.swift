// ManifestTemplateTests: `texstim init`'s clean source ids (a flat table of known answers) and its YAML quoting.

import Foundation
import Testing
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

    @Test func everyIDPassesTheManifestReadersRule() {
        for id in ManifestTemplate.sourceIDs(for: ["x/.png", "x/--.png", "x/\(String(repeating: "ab-", count: 40)).png"]) {
            #expect(ManifestReader.isSafeName(id), "\(id)")
        }
    }
}
