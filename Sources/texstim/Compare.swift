// Compare: `texstim compare A B` — per-layer Gram distance E_l and the weighted total.

import ArgumentParser
import Foundation
import TextureCore
import TexturePipeline

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Texture distance between two images: per-layer E_l of their Gram matrices and Σ w_l E_l.",
        discussion: exitCodesHelp)

    @Argument(help: "Image A (its statistics are the target).", completion: .file(extensions: imageExtensions))
    var imageA: String

    @Argument(help: "Image B.", completion: .file(extensions: imageExtensions))
    var imageB: String

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var compute: ComputeOptions

    @Flag(help: ArgumentHelp("Print JSON: {\"layers\": {\"conv1_1\": E, …, \"spectrum\": E_spec}, \"total\": T} "
                             + "(\"spectrum\" with a spectrum weight)."))
    var json = false

    func run() throws {
        var request = ComparisonRequest(imageA: imageA, imageB: imageB)
        request.model = modelOptions.model
        request.weightsPath = modelOptions.weights
        request.layers = modelOptions.layers?.values
        request.preset = modelOptions.preset?.name
        request.spectrumWeight = modelOptions.spectrumWeight
        request.threads = compute.threads
        request.convolution = compute.conv
        request.allowUnverifiedWeights = modelOptions.allowUnverifiedWeights
        let result = try TextureComparison.run(request)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            for (layer, value) in result.layers.sorted(by: { $0.key < $1.key }) {
                print(String(format: "%-8@ %.6g", layer, value))
            }
            print(String(format: "total    %.6g", result.total))
        }
    }
}
