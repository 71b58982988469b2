// SetOptions: the options of the commands that make a whole set from a manifest (run, slurm).

import ArgumentParser
import Foundation
import TextureCore
import TexturePipeline
import TextureSynthesis

struct SetOptions: ParsableArguments {
    @Argument(help: "The set's YAML manifest.", completion: .file(extensions: manifestExtensions))
    var manifest: String

    @Option(help: "Output folder (default: the manifest's output, else stimuli/<name>).", completion: .directory)
    var output: String?

    @Option(help: ConvolutionChoice.help)
    var conv: ConvolutionChoice = .default

    @Option(help: LBFGSBImplementation.help)
    var lbfgsb: LBFGSBImplementation = .default

    @Flag(help: allowUnverifiedWeightsHelp)
    var allowUnverifiedWeights = false

    @Flag(help: ArgumentHelp("Write no stimulus: run lists what would run or be skipped and writes nothing; "
                             + "slurm only writes the scripts (works without sbatch)."))
    var dryRun = false

    /// The manifest checked against its files and expanded into jobs.
    func plan() throws -> SetPlan {
        try SetPlanner.plan(manifestPath: manifest, outputOverride: output,
                            allowUnverifiedWeights: allowUnverifiedWeights)
    }
}
