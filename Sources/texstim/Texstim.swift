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
        discussion: exitCodesHelp,
        version: ToolVersion.current,
        subcommands: [
            Init.self, Run.self, Plan.self, Validate.self, Summary.self, Slurm.self, Synthesize.self, Reproduce.self,
            Inspect.self, Compare.self, Stats.self, Weights.self, Bench.self,
        ])

    /// Parses and runs like argument-parser's own `main`, except for the exit codes: a usage
    /// error exits 2 (not argument-parser's 64) and a library error with its own `ExitStatus`.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            // --help and --version (and an ExitCode, which no texstim command throws) keep
            // argument-parser's handling; they print no "error:" line.
            if code == .success || error is ExitCode { exit(withError: error) }
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                exitWith(.badInput)
            }
            fail(error)
        }
    }
}

/// Model and layer flags shared by synthesize and compare.
struct ModelOptions: ParsableArguments {
    @Option(help: "Texture model: random-pyramid (embedded default, not the paper's), vgg19, vgg19-random.")
    var model: String = "random-pyramid"

    @Option(help: "vgg19 weights file (default: weights/vgg19.safetensors, or $TEXSTIM_WEIGHTS_DIR/vgg19.safetensors).")
    var weights: String?

    @Option(help: "Comma-separated layers to match, e.g. conv1_1,pool1,pool2 (default: the model's own).")
    var layers: String?

    @Option(help: "A published condition: gatys2015:<conv1_1|pool1|pool2|pool3|pool4> or wallis2017:<conv1…conv5|powerspec> (powerspec adds the spectrum term).")
    var preset: String?

    @Option(help: ArgumentHelp("Add Liu et al. (2016)'s Fourier-spectrum term with weight β (model-input units; wallis2017:powerspec sets 1e6). "
                               + "The stimulus must have the source's size.", valueName: "β"))
    var spectrumWeight: Double?

    @Option(parsing: .unconditional, help: "Compute threads (BLAS and im2col).")
    var threads: Int = 1

    @Option(help: ConvolutionChoice.help)
    var conv: ConvolutionChoice = .default

    @Flag(help: "Use vgg19 weights that are not a published VGG-19 (random, another tool's conversion); provenance records them as unverified.")
    var allowUnverifiedWeights = false

    var layerList: [String]? {
        layers.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    func validate() throws {
        if layers != nil && preset != nil { throw ValidationError("Give either --layers or --preset, not both.") }
        if threads < 1 { throw ValidationError("--threads must be at least 1.") }
        if let spectrumWeight, !(spectrumWeight >= 0 && spectrumWeight.isFinite) {
            throw ValidationError("--spectrum-weight must be a weight β ≥ 0, e.g. 1e6 for vgg19 at 256²; got \(spectrumWeight).")
        }
    }
}

extension ConvolutionChoice: ExpressibleByArgument {
    static let help = ArgumentHelp("Convolution algorithm: winograd (faster) or direct (im2col, the reference); recorded in provenance.",
                                   valueName: "direct|winograd")
}

/// Prints a library error as "texstim: error: …" and exits with its status (see ExitStatus).
func fail(_ error: any Error) -> Never {
    FileHandle.standardError.write(Data("texstim: error: \(String(describing: error))\n".utf8))
    exitWith(ExitStatus.of(error))
}

/// Ends the process with one of the documented statuses (0, 1, 2, 130).
func exitWith(_ status: ExitStatus) -> Never {
    Foundation.exit(status.rawValue)
}

/// The exit codes, for each command's help text.
let exitCodesHelp = "Exit status: 0 success, 1 stimuli failed (jobs or validation), 2 bad input (manifest, arguments, files), 130 interrupted."
