// Validate: `texstim validate SET_DIR|MANIFEST` — pixel statistics of every stimulus, set checks, reports.

import ArgumentParser
import Foundation
import TexturePipeline

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a stimulus set from its files: exit 0 when all pass, 1 when any fails, 2 on a usage error.",
        discussion: exitCodesHelp)

    @Argument(help: "The set's folder (with index.json) or its manifest.")
    var path: String

    @Option(help: "Where the sources (and the manifest) are now, if they moved (by their path in the manifest, then by file name).")
    var sources: String?

    @Option(help: "Write the HTML report here (default: <set>/validation.html).")
    var report: String?

    @Option(help: "Write the JSON report here (default: <set>/validation.json).")
    var json: String?

    @Flag(help: "Use vgg19 weights that are not a published VGG-19 (random, another tool's conversion); provenance records them as unverified.")
    var allowUnverifiedWeights = false

    func run() throws {
        do {
            let plan = try SetValidator.plan(setOrManifest: path, locator: FileLocator(sourcesFolder: sources),
                                             allowUnverifiedWeights: allowUnverifiedWeights)
            let result = try ValidationOutput.write(plan: plan, htmlPath: report, jsonPath: json)
            print(ValidationOutput.summary(result.report))
            print("reports: \(result.htmlPath) and \(result.jsonPath)")
            if result.report.verdict == .fail { exitWith(.stimuliFailed) }
        } catch { fail(error) }
    }
}
