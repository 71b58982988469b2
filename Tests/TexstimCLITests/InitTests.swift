// InitTests: `texstim init` writes a commented manifest that `texstim plan` accepts as it stands,
// with clean, unique source ids; it never overwrites a file and refuses a folder without images.

import Foundation
import Testing

@Suite struct InitTests {
    @Test func theWrittenManifestPlansAsItStands() throws {
        let root = try temporaryFolder("init")
        let images = root + "/My Textures"
        try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
        for name in ["Pebbles_256.PNG", "pebbles-512px.png", "Maple Leaves.png"] {
            try FileManager.default.copyItem(atPath: pebbles, toPath: images + "/" + name)
        }
        let jpeg = repository.appendingPathComponent("Tests/TexturePipelineTests/Fixtures/rgb.jpg").path
        try FileManager.default.copyItem(atPath: jpeg, toPath: images + "/bark-01.jpg")
        try "not an image".write(toFile: images + "/notes.txt", atomically: true, encoding: .utf8)

        let result = try texstim(["init", "My Textures", "--out", "study.yaml"], in: root)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == "wrote study.yaml: 4 sources × 3 conditions × 2 samples; next: texstim plan study.yaml, "
            + "then texstim run study.yaml\n")
        let text = try String(contentsOfFile: root + "/study.yaml", encoding: .utf8)
        #expect(text.hasPrefix("# A texstim manifest: ") && text.contains("\nname: my-textures          # the set's name"))
        let ids = text.split(separator: "\n").filter { $0.hasPrefix("  - {id: ") }.map { $0.split(separator: ",")[0].dropFirst(9) }
        #expect(ids == ["bark-01", "maple-leaves", "pebbles", "pebbles-2"])
        for line in ["  - {id: maple-leaves, path: \"My Textures/Maple Leaves.png\"}", "  - {id: bark-01,      path: \"My Textures/bark-01.jpg\"}",
                     "  - {id: pebbles,      path: \"My Textures/pebbles-512px.png\"}", "  - {id: pebbles-2,    path: \"My Textures/Pebbles_256.PNG\"}"] {
            #expect(text.contains(line + "\n"), "\(line)\n\(text)")
        }
        #expect(!text.contains("notes.txt"))
        // Every key line that is not commented out carries a comment (sources and conditions entries aside).
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("  - ") && line.contains(":") {
            #expect(line.contains("# "), "uncommented key: \(line)")
        }

        let plan = try texstim(["plan", "study.yaml"], in: root)
        #expect(plan.status == 0, "\(plan.output)\(plan.error)")
        #expect(plan.output.hasPrefix("set my-textures → stimuli/my-textures: 24 jobs\n"), "\(plan.output)")
        #expect(plan.output.contains("pebbles-2__full__s01  seed "), "\(plan.output)")
    }

    @Test func anExistingFileIsNeverOverwritten() throws {
        let root = try temporaryFolder("init-exists")
        try FileManager.default.createDirectory(atPath: root + "/src", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: pebbles, toPath: root + "/src/pebbles.png")
        try "mine\n".write(toFile: root + "/manifest.yaml", atomically: true, encoding: .utf8)
        let result = try texstim(["init", "src"], in: root)
        #expect(result.status == 2)
        #expect(result.error == "texstim: error: manifest.yaml: already exists; texstim does not overwrite it. "
            + "Hint: choose another --out path, or move the file away first.\n", "\(result.error)")
        #expect(try String(contentsOfFile: root + "/manifest.yaml", encoding: .utf8) == "mine\n")
    }

    @Test func aFolderWithoutImagesIsRefused() throws {
        let root = try temporaryFolder("init-empty")
        let none = try texstim(["init", "."], in: root)
        #expect(none.status == 2 && none.error.contains(".: invalid value 'no PNG or JPEG images'. Hint: put the source textures"),
                "\(none.error)")
        let missing = try texstim(["init", "nowhere"], in: root)
        #expect(missing.status == 2 && missing.error.contains("nowhere: invalid value 'not a folder'"), "\(missing.error)")
        #expect(!FileManager.default.fileExists(atPath: root + "/manifest.yaml"))
    }
}
