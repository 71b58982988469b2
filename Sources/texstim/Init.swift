// Init: `texstim init FOLDER` — a commented manifest for a folder of source images, ready for `texstim plan` and `run`.

import ArgumentParser
import TexturePipeline

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a commented manifest for a folder of source images (PNG, JPEG), with the demo's conditions.",
        discussion: exitCodesHelp)

    @Argument(help: "The folder that holds the source textures (.png, .jpg, .jpeg; not its subfolders).",
              completion: .directory)
    var folder: String

    @Option(help: "Where to write the manifest; an existing file is never overwritten.",
            completion: .file(extensions: manifestExtensions))
    var out: String = "manifest.yaml"

    func run() throws {
        let count = try ManifestTemplate.write(folder: folder, out: out)
        print("wrote \(out): \(count) source\(count == 1 ? "" : "s") × 3 conditions × 2 samples; "
              + "next: texstim plan \(out), then texstim run \(out)")
    }
}
