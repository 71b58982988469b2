// Reproduce: `texstim reproduce FILE.png|DIR` — regenerate stimuli from their provenance and compare.

import ArgumentParser
import Foundation
import TexturePipeline

struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Regenerate stimuli from their embedded provenance; report identical or the max pixel difference.", discussion: exitCodesHelp)

    @Argument(help: "A stimulus PNG, or a set folder (every PNG below it).")
    var path: String

    @Option(help: "Where the sources are now, if they moved (looked up by their path in the manifest, then by file name).")
    var sources: String?

    func run() throws {
        do {
            let files = try Reproduction.stimuli(at: path)
            var differing = 0
            for file in files {
                let result = Reproduction.reproduce(file, locator: FileLocator(sourcesFolder: sources))
                if let problem = result.problem {
                    differing += 1
                    print("\(file): cannot reproduce: \(problem)")
                } else if result.identical {
                    print("\(file): identical")
                } else {
                    differing += 1
                    print("\(file): differs, max |difference| \(result.maxDifference) code values")
                }
            }
            print("\(files.count - differing) of \(files.count) stimuli identical")
            if differing > 0 { exitWith(.stimuliFailed) }
        } catch { fail(error) }
    }
}
