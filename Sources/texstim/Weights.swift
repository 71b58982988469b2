// Weights: `texstim weights random` — seeded He-initialised VGG-19 weights in texstim's layout.

import ArgumentParser
import Foundation
import TexturePipeline

struct Weights: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage model weights files.", subcommands: [Random.self])

    struct Random: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write seeded He-initialised VGG-19 weights (safetensors) for tests and the random-weights control.")

        @Option(help: "Seed of the weights.")
        var seed: UInt64 = 1

        @Option(help: "Output file, e.g. weights/vgg19.safetensors.")
        var out: String

        @Flag(help: "Replace an existing file.")
        var force = false

        func run() throws {
            do {
                let sha = try WeightsFiles.writeRandom(seed: seed, to: out, force: force)
                print("wrote \(out) (sha256 \(sha))")
            } catch { fail(error) }
        }
    }
}
