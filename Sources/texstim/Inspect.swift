// Inspect: `texstim inspect FILE.png` — print a stimulus's embedded provenance.

import ArgumentParser
import Foundation
import TexturePipeline

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the provenance embedded in a stimulus PNG.",
                                                    discussion: exitCodesHelp)

    @Argument(help: "A PNG written by texstim.", completion: .file(extensions: ["png"]))
    var file: String

    func run() throws {
        print(try Reproduction.record(of: file).json())
    }
}
