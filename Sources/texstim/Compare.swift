// Compare: `texstim compare A B` — per-layer Gram distance E_l and the weighted total.

import ArgumentParser
import Foundation
import TextureCore
import TexturePipeline

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Texture distance between two images: per-layer E_l of their Gram matrices and Σ w_l E_l.", discussion: exitCodesHelp)

    @Argument(help: "Image A (its statistics are the target).")
    var imageA: String

    @Argument(help: "Image B.")
    var imageB: String

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Print JSON: {\"layers\": {\"conv1_1\": E, …, \"spectrum\": E_spec}, \"total\": T} (\"spectrum\" with a spectrum weight).")
    var json = false

    func run() throws {
        var request = ComparisonRequest(imageA: imageA, imageB: imageB)
        request.model = modelOptions.model
        request.weightsPath = modelOptions.weights
        request.layers = modelOptions.layerList
        request.preset = modelOptions.preset
        request.spectrumWeight = modelOptions.spectrumWeight
        request.threads = modelOptions.threads
        request.convolution = modelOptions.conv
        request.allowUnverifiedWeights = modelOptions.allowUnverifiedWeights
        do {
            let result = try TextureComparison.run(request)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                for (layer, value) in result.layers.sorted(by: { $0.key < $1.key }) { print(String(format: "%-8@ %.6g", layer, value)) }
                print(String(format: "total    %.6g", result.total))
            }
        } catch {
            fail(error)
        }
    }
}
