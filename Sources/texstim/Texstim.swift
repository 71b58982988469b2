// Texstim: the root command; each subcommand lives in its own file and calls one library function.

import ArgumentParser
import Foundation
import TextureCore
import TexturePipeline

@main
struct Texstim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "texstim",
        abstract: "Texture stimuli for vision science (Gatys, Ecker & Bethge 2015 texture model).",
        version: ToolVersion.current,
        subcommands: [Run.self, Plan.self, Validate.self, Slurm.self, Synthesize.self, Reproduce.self, Inspect.self, Compare.self, Weights.self, Bench.self])
}

/// Model and layer flags shared by synthesize and compare.
struct ModelOptions: ParsableArguments {
    @Option(help: "Texture model: random-pyramid (embedded default, not the paper's), vgg19, vgg19-random.")
    var model: String = "random-pyramid"

    @Option(help: "vgg19 weights file (default: weights/vgg19.safetensors, or $TEXSTIM_WEIGHTS_DIR/vgg19.safetensors).")
    var weights: String?

    @Option(help: "Comma-separated layers to match, e.g. conv1_1,pool1,pool2 (default: the model's own).")
    var layers: String?

    @Option(help: "A published condition: gatys2015:<conv1_1|pool1|pool2|pool3|pool4> or wallis2017:<conv1…conv5>.")
    var preset: String?

    @Option(help: "Compute threads (BLAS and im2col).")
    var threads: Int = 1

    @Option(help: ConvolutionChoice.help)
    var conv: ConvolutionChoice = .default

    var layerList: [String]? {
        layers.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    func validate() throws {
        if layers != nil && preset != nil { throw ValidationError("Give either --layers or --preset, not both.") }
        if threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }
}

extension ConvolutionChoice: ExpressibleByArgument {
    static let help = ArgumentHelp("Convolution algorithm: winograd (faster) or direct (im2col, the reference); recorded in provenance.",
                                   valueName: "direct|winograd")
}

/// Prints a library error as "texstim: error: …" and exits with status 1.
func fail(_ error: any Error) -> Never {
    FileHandle.standardError.write(Data("texstim: error: \(String(describing: error))\n".utf8))
    Foundation.exit(1)
}
