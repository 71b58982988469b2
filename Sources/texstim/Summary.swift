// Summary: `texstim summary SET` — what a set folder holds: stimuli per source × condition, verdicts, failures, CPU time.

import ArgumentParser
import TexturePipeline

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Summarise a set folder: stimuli done per source × condition, verdicts, non-converged jobs, total CPU time.",
        discussion: exitCodesHelp)

    @Argument(help: "The set's folder (the one with index.json).", completion: .directory)
    var set: String

    @Flag(help: "Print the summary as JSON instead of a table.")
    var json = false

    func run() throws {
        let summary = try SetSummary.read(folder: set)
        print(json ? try summary.json() : summary.text())
    }
}
