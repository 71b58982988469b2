// Reproduce: `texstim reproduce FILE.png|DIR` — regenerate stimuli from their provenance and compare.

import ArgumentParser
import Foundation
import TexturePipeline

struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Regenerate stimuli from their embedded provenance; report identical or the max pixel difference.",
        discussion: exitCodesHelp)

    @Argument(help: "A stimulus PNG, or a set folder (every PNG below it).", completion: .file(extensions: ["png"]))
    var path: String

    @Option(help: ArgumentHelp("Where the sources are now, if they moved (looked up by their path in the manifest, "
                               + "then by file name)."), completion: .directory)
    var sources: String?

    func run() throws {
        let summary = try Reproduction.reproduceAll(at: path, locator: FileLocator(sourcesFolder: sources)) { result in
            let differences = result.machineDifferences.joined(separator: "; ")
            let machine = differences.isEmpty ? "" : " (\(differences))"
            print("\(result.path): \(Self.describe(result.verdict))\(machine)")
        }
        print("\(summary.identicalCount) of \(summary.results.count) stimuli identical")
        try CommandStatus.check(summary.exitStatus)
    }

    /// The verdict as the command prints it after the file's path.
    static func describe(_ verdict: ReproductionVerdict) -> String {
        switch verdict {
        case .identical: return "identical"
        case .differs(let difference): return "differs, max |difference| \(difference) code values"
        case .couldNotReproduce(let problem): return "cannot reproduce: \(problem)"
        }
    }
}
