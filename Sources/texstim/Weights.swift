// Weights: `texstim weights random|import|fetch|verify|list` — get, convert and check VGG-19 weights.

import ArgumentParser
import Foundation
import TextureCore
import TexturePipeline
import TextureWeights

struct Weights: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage model weights files (weights/ under the current directory, or $TEXSTIM_WEIGHTS_DIR).",
        discussion: exitCodesHelp,
        subcommands: [Fetch.self, Import.self, Verify.self, List.self, Normalize.self, Random.self])

    struct Random: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write seeded He-initialised VGG-19 weights (safetensors) for tests and the random-weights "
                + "control.",
            discussion: exitCodesHelp)

        @Option(parsing: .unconditional, help: "Seed of the weights.")
        var seed: UInt64 = 1

        @Option(help: "Output file, e.g. weights/vgg19.safetensors.", completion: .file(extensions: ["safetensors"]))
        var out: String

        @Flag(help: "Replace an existing file.")
        var force = false

        func run() throws {
            let sha = try WeightsFiles.writeRandom(seed: seed, to: out, force: force)
            print("wrote \(out) (sha256 \(sha))")
            print("not a published VGG-19: --model vgg19 uses it only with --allow-unverified-weights "
                  + "(the control is --model vgg19-random)")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a PyTorch .pth, Caffe .caffemodel or foreign safetensors VGG-19 into texstim's layout.",
            discussion: exitCodesHelp)

        @Argument(help: "The weights file to convert.",
                  completion: .file(extensions: ["pth", "caffemodel", "safetensors"]))
        var file: String

        @Option(help: "The file's format (auto: from its contents).")
        var format: WeightsFormat = .auto

        @Option(help: "Output file (default: weights/vgg19.safetensors or $TEXSTIM_WEIGHTS_DIR/vgg19.safetensors).",
                completion: .file(extensions: ["safetensors"]))
        var out: String?

        @Option(help: "Override the input convention (default: from the format).")
        var preprocessing: Preprocessing?

        @Flag(help: "Replace an existing output file.")
        var force = false

        func run() throws {
            let result = try WeightsImport.run(file: file, format: format, out: out, force: force,
                                               preprocessing: preprocessing)
            print("wrote \(result.path): widths \(result.widths), \(result.preprocessing.rawValue), "
                  + "sha256 \(result.sha256)")
            print("from \(result.source)")
            print(verificationLine(result.origin))
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download the official VGG-19 weights, check their checksum and import them.",
            discussion: exitCodesHelp)

        @Argument(help: "The model to fetch.")
        var model: FetchableModel

        @Option(name: .customLong("from"),
                help: "torchvision (vgg19-dcbb9e9d.pth) or caffe (VGG_ILSVRC_19_layers.caffemodel, the paper's).")
        var source: WeightsSource = .torchvision

        @Option(help: "Output file (default: weights/vgg19.safetensors).",
                completion: .file(extensions: ["safetensors"]))
        var out: String?

        @Option(help: "A mirror of the official file (https:// or file://); the checksum is still checked.")
        var mirror: String?

        @Flag(help: "Replace an existing output file.")
        var force = false

        func validate() throws {
            if let mirror, URL(string: mirror)?.scheme == nil {
                throw ValidationError("--mirror must be a URL (https://… or file:///…).")
            }
        }

        func run() throws {
            print("downloading \(source.url.absoluteString)")
            let result = try WeightsFetch.run(source, url: mirror.flatMap(URL.init(string:)), out: out,
                                              force: force) { done, total in
                print(String(format: "downloaded %.1f MB of %.1f MB", Double(done) / 1e6,
                             Double(max(total, done)) / 1e6))
            }
            print("wrote \(result.path) (sha256 \(result.sha256))")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a weights file: SHA-256, shapes and the activation fingerprint.",
            discussion: exitCodesHelp)

        @Argument(help: "The file (default: weights/vgg19.safetensors).",
                  completion: .file(extensions: ["safetensors"]))
        var file: String?

        func run() throws {
            let summary = try WeightsFiles.verify(path: file ?? ModelCatalog.defaultWeightsPath())
            print("\(summary.path): sha256 \(summary.sha256), widths \(summary.widths), \(summary.preprocessing), "
                  + "source \(summary.source)")
            print("origin: \(summary.origin.description)")
            print(verificationLine(summary.origin))
            switch summary.verdict {
            case .fingerprintMatches: print("fingerprint: matches the one recorded at conversion")
            case .noFingerprint: print("fingerprint: none recorded (file not made by `texstim weights import`)")
            case .fingerprintDiffers:
                throw CommandStatus(status: summary.verdict.exitStatus,
                                    message: "\(summary.path): fingerprint differs: the features no longer match those "
                                        + "recorded at conversion. Hint: re-import the original file.")
            }
        }
    }

    struct Normalize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rescale weights so every filter's mean activation over the images is 1 "
                + "(the paper's normalisation).",
            discussion: exitCodesHelp)

        @Argument(help: "The texstim weights file to normalise.", completion: .file(extensions: ["safetensors"]))
        var input: String

        @Argument(help: "The normalised file to write.", completion: .file(extensions: ["safetensors"]))
        var output: String

        @Option(help: "Folder of PNG or JPEG images to measure the mean activations on.", completion: .directory)
        var images: String

        @Flag(help: "Replace an existing output file.")
        var force = false

        func run() throws {
            let result = try WeightsNormalize.run(input: input, output: output, imagesFolder: images, force: force)
            print("wrote \(result.path): normalised over \(result.images.count) images "
                  + "(\(result.images.joined(separator: ", ")))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the installed weights files with their source, checksum and preprocessing.",
            discussion: exitCodesHelp)

        func run() throws {
            let entries = WeightsFiles.list()
            if entries.isEmpty {
                let folder = (ModelCatalog.defaultWeightsPath() as NSString).deletingLastPathComponent
                print("no weights files in \(folder)")
            }
            for entry in entries {
                switch entry {
                case .success(let s):
                    print("\(s.path)  \(s.bytes / 1_000_000) MB  widths \(s.widths)  \(s.preprocessing)  "
                          + "sha256 \(s.sha256.prefix(16))…  \(s.origin.label)  \(s.source)")
                case .failure(let error): print("unreadable: \(error)")
                }
            }
        }
    }
}

/// "verification: published:<name>" or "verification: unverified (why; what --model vgg19 needs)".
func verificationLine(_ origin: WeightsOrigin) -> String {
    switch origin.verification {
    case .published: return "verification: \(origin.label)"
    case .unverified(let reason):
        return "verification: unverified (\(reason)); --model vgg19 uses it only with --allow-unverified-weights"
    }
}
