// Stats: `texstim stats IMAGE --model portilla-simoncelli` — print an image's texture statistics by group.

import ArgumentParser
import Foundation
import PortillaSimoncelli
import TextureCore
import TextureImages
import TexturePipeline
import TextureSynthesis

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an image's Portilla–Simoncelli texture statistics (greyscale), by group.",
        discussion: "Groups and their order are plenoptic 2.1.1's (docs/portilla-simoncelli.md); colour images are "
            + "converted to Rec. 709 luma as texstim's grey mode does. Each side must be divisible by 2^n-scales. "
            + exitCodesHelp)

    /// The models whose statistics `stats` prints (argument-parser lists them for a bad value).
    enum StatisticsModel: String, CaseIterable, ExpressibleByArgument {
        case portillaSimoncelli = "portilla-simoncelli"
    }

    @Argument(help: "A PNG or JPEG image.", completion: .file(extensions: imageExtensions))
    var image: String

    @Option(help: "Statistics model: portilla-simoncelli (the only one so far).")
    var model: StatisticsModel = .portillaSimoncelli

    @Option(help: "Pyramid scales.")
    var nScales: Int = 4

    @Option(help: "Pyramid orientations (2 to 16).")
    var nOrientations: Int = 4

    @Option(help: "Side of the central auto-correlation window, in pixels.")
    var spatialCorrWidth: Int = 7

    @Option(help: "Centre-crop to a square and resize to size × size first (bicubic, as texstim's sources).")
    var size: Int?

    @Flag(help: "Print JSON: {\"statistics\": {group: [values]}, \"layout\": {group: {shape, kept}}, …}.")
    var json = false

    func validate() throws {
        if let size, size < 1 { throw ValidationError("--size must be at least 1 pixel; got \(size).") }
    }

    func run() throws {
        let decoded = try ImageFile.load(path: image)
        let prepared = ImagePreparation.prepareSource(decoded.pixels, size: size, grey: true)
        let (height, width) = (prepared.shape.height, prepared.shape.width)
        let plane = RealPlane(
            height: height, width: width, values: (0..<height * width).map { Double(prepared.data[$0]) })
        let model = try PortillaSimoncelliModel(
            height: height, width: width, scales: nScales,
            orientations: nOrientations, correlationWidth: spatialCorrWidth)
        let groups = model.statistics(of: plane)
        print(json ? jsonText(groups, height: height, width: width) : summary(groups))
    }

    /// Keys in a fixed order (plenoptic's group order); non-finite values as null.
    private func jsonText(_ groups: [StatisticGroup], height: Int, width: Int) -> String {
        func number(_ v: Double) -> String { v.isFinite ? "\(v)" : "null" }
        func list(_ values: [Double]) -> String { "[" + values.map(number).joined(separator: ", ") + "]" }
        func ints(_ values: [Int]) -> String { "[" + values.map(String.init).joined(separator: ", ") + "]" }
        func quoted(_ s: String) -> String {
            let data = try? JSONSerialization.data(
                withJSONObject: s, options: [.fragmentsAllowed, .withoutEscapingSlashes])
            return data.map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        }
        let statistics = groups.map { "    \(quoted($0.name)): \(list($0.vector))" }.joined(separator: ",\n")
        let layout = groups.map { "    \(quoted($0.name)): {\"shape\": \(ints($0.shape)), \"kept\": \(ints($0.kept))}" }
            .joined(separator: ",\n")
        return """
            {
              "model": "portilla-simoncelli",
              "image": \(quoted(image)),
              "height": \(height),
              "width": \(width),
              "n_scales": \(nScales),
              "n_orientations": \(nOrientations),
              "spatial_corr_width": \(spatialCorrWidth),
              "statistics": {
            \(statistics)
              },
              "layout": {
            \(layout)
              }
            }
            """
    }

    /// One line per group: name, number of values, and the values (at most 8).
    private func summary(_ groups: [StatisticGroup]) -> String {
        groups.map { group in
            let values = group.vector
            let shown = values.prefix(8).map { String(format: "%.6g", $0) }.joined(separator: " ")
            return "\(group.name) (\(values.count)): \(shown)\(values.count > 8 ? " …" : "")"
        }.joined(separator: "\n")
    }
}
