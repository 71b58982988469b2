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

    /// Parses and runs like argument-parser's own `main`, except for the exit codes: every error
    /// of every command ends here and leaves with one of the documented statuses (see ExitStatus).
    /// A TEXSTIM_KERNEL the library ignored stops every command before it starts (exit 2): what
    /// ran must be what was asked for (--help and --version still answer).
    static func main() {
        do {
            var command = try parseAsRoot()
            // --help comes back as argument-parser's own (internal) HelpCommand, which still answers.
            if let problem = ProductKernel.environmentProblem, String(describing: type(of: command)) != "HelpCommand" {
                throw CommandStatus(status: .badInput, message: problem)
            }
            try command.run()
        } catch {
            exit(reporting: error)
        }
    }

    /// Prints what `error` says (on standard error) and exits with its status: a usage error 2 (not
    /// argument-parser's 64), a CommandStatus its own status silently, a library error its
    /// ExitStatus after "texstim: error: …". --help and --version keep argument-parser's handling.
    static func exit(reporting error: any Error) -> Never {
        if let status = error as? CommandStatus {
            if let message = status.message {
                FileHandle.standardError.write(Data("texstim: error: \(message)\n".utf8))
            }
            Foundation.exit(status.status.rawValue)
        }
        let code = exitCode(for: error)
        if code == .success || error is ExitCode { exit(withError: error) }
        if code == .validationFailure {
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(ExitStatus.badInput.rawValue)
        }
        FileHandle.standardError.write(Data("texstim: error: \(String(describing: error))\n".utf8))
        Foundation.exit(ExitStatus.of(error).rawValue)
    }
}

/// A command that ends with a non-zero status without a library error (validation failed, a
/// stimulus not reproduced, a weights fingerprint that differs): what it had to say is printed,
/// or is `message` (printed as an error); the status is all that is left.
struct CommandStatus: Error {
    var status: ExitStatus
    var message: String? = nil

    /// Throws unless `status` is success.
    static func check(_ status: ExitStatus) throws {
        if status != .success { throw CommandStatus(status: status) }
    }
}

/// Prints each warning as "texstim: warning: …" on standard error.
func printWarnings(_ warnings: [String]) {
    for warning in warnings { FileHandle.standardError.write(Data("texstim: warning: \(warning)\n".utf8)) }
}

/// The exit codes, for each command's help text.
let exitCodesHelp = "Exit status: 0 success, 1 stimuli failed (jobs or validation), "
    + "2 bad input (manifest, arguments, files), 130 interrupted."

/// The help of --allow-unverified-weights, for every command that loads a model.
let allowUnverifiedWeightsHelp = ArgumentHelp("Use vgg19 weights that are not a published VGG-19 (random, another "
                                              + "tool's conversion); provenance records them as unverified.")
