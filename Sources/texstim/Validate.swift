// Validate: `texstim validate SET_DIR|MANIFEST` — pixel statistics of every stimulus, set checks, reports.

import ArgumentParser
import Foundation
import TexturePipeline

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a stimulus set from its files: exit 0 when all pass, 1 when any fails, 2 on a usage error.",
        discussion: exitCodesHelp)

    @Argument(help: "The set's folder (with index.json) or its manifest.",
              completion: .file(extensions: manifestExtensions))
    var path: String

    @Option(help: ArgumentHelp("Where the sources (and the manifest) are now, if they moved (by their path in the "
                               + "manifest, then by file name)."), completion: .directory)
    var sources: String?

    @Option(help: "Write the HTML report here (default: <set>/validation.html).",
            completion: .file(extensions: ["html"]))
    var report: String?

    @Option(help: "Write the JSON report here (default: <set>/validation.json).",
            completion: .file(extensions: ["json"]))
    var json: String?

    @Flag(help: allowUnverifiedWeightsHelp)
    var allowUnverifiedWeights = false

    func run() throws {
        let plan = try SetValidator.plan(setOrManifest: path, locator: FileLocator(sourcesFolder: sources),
                                         allowUnverifiedWeights: allowUnverifiedWeights)
        let result = try ValidationOutput.write(plan: plan, htmlPath: report, jsonPath: json)
        print(ValidationOutput.summary(result.report))
        print("reports: \(result.htmlPath), \(result.jsonPath) and \(result.contactSheetPath)")
        try CommandStatus.check(result.report.verdict.exitStatus)
    }
}
