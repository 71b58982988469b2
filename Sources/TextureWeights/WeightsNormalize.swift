// WeightsNormalize: the paper's weight normalisation — every filter's mean activation becomes 1.
//
// "We rescale the weights such that the mean activation of each filter over images and positions
// is equal to one" (Gatys et al. 2015). One forward pass of the original network over the images
// gives m_{l,o}, the mean post-ReLU activation of filter o of conv layer l. Then
//   W_l[o, c] ← W_l[o, c] · m_{l−1,c} / m_{l,o},   b_l[o] ← b_l[o] / m_{l,o}
// (m_{0,c} = 1 for the pixels). ReLU and average pooling commute with positive per-channel
// scales, so layer l's output becomes its original output divided by m_{l,o}: mean 1 over the
// same images. Gram matrices scale as G_l → D_l G_l D_l with D_l = diag(1 / m_l), so each term of
// the loss changes by that factor. Filters that never activate (m = 0) are left unscaled.

import Foundation
import TextureCore
import TextureImages
import TextureSynthesis

public enum WeightsNormalize {
    public struct Result: Sendable {
        public var path: String
        public var images: [String]
        /// Mean activation per layer and filter before normalisation.
        public var means: [String: [Double]]
    }

    public static func run(
        input: String, output: String, imagesFolder: String, force: Bool
    ) throws(WeightsError) -> Result {
        if FileManager.default.fileExists(atPath: output) && !force {
            throw .invalidArgument(name: "OUT", value: output, hint: "the file exists; pass --force to replace it")
        }
        let summary = try WeightsFiles.verify(path: input, fingerprint: false)
        let original: SafetensorsFile, model: VGG19
        do {
            original = try SafetensorsFile.read(path: input)
            model = try VGG19Weights.load(original, path: input, architecture: VGGArchitecture(widths: summary.widths))
        } catch { throw .core(error) }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: imagesFolder)) ?? [])
            .filter { ["png", "jpg", "jpeg"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        guard !files.isEmpty else {
            throw .invalidArgument(
                name: "--images", value: imagesFolder,
                hint: "give a folder with PNG or JPEG images (at least 16×16 pixels)")
        }
        var images: [Tensor] = []
        for file in files {
            let path = (imagesFolder as NSString).appendingPathComponent(file)
            do { images.append(ImagePreparation.rgb(try ImageFile.load(path: path).pixels)) } catch {
                throw .file(error)
            }
        }
        let means = meanActivations(model, images: images)
        let normalized = apply(means, to: model)
        var metadata = WeightsOrigin.inherited(from: original, model: model)
        metadata.merge([
            WeightsOrigin.normalizationKey:
                "mean post-ReLU activation of every filter = 1 over \(files.count) images: \(files.joined(separator: ", "))",
            "texstim.widths": summary.widths.map(String.init).joined(separator: ","),
            "texstim.source": "normalised from \((input as NSString).lastPathComponent) (sha256 \(summary.sha256))",
        ]) { $1 }
        metadata[WeightsFingerprint.metadataKey] = WeightsFingerprint.compute(normalized)
        if metadata[WeightsOrigin.sha256Key] != nil {
            metadata[WeightsOrigin.digestKey] = WeightsOrigin.digest(normalized)
        }
        do {
            try ImageFile.createFolder(for: output)
            try ImageFile.writeAtomically(VGG19Weights.encode(normalized, metadata: metadata), to: output)
        } catch { throw .file(error) }
        return Result(path: output, images: files, means: means)
    }

    /// Mean post-ReLU activation of every filter of every conv layer, over images and positions.
    public static func meanActivations(_ model: VGG19, images: [Tensor]) -> [String: [Double]] {
        let names = model.architecture.convolutionNames
        var sums: [String: [Double]] = [:], positions: [String: Double] = [:]
        for image in images {
            let input = model.preprocessing.transform(sourceMean: [0.5, 0.5, 0.5]).apply(image)
            // A mean activation needs one position only, not the 4×4 map a texture condition needs.
            let layers = names.filter { 1 << model.poolings(through: $0) <= min(input.shape.height, input.shape.width) }
            let network = model.makeNetwork(
                input: input.shape, layers: layers, threads: 1, convolution: Im2ColConvolution())
            for (name, features) in zip(layers, network.forward(input)) {
                let m = features.shape.positions
                let channelSums = (0..<features.shape.channels).map { c in
                    features.data[(c * m)..<((c + 1) * m)].reduce(0.0) { $0 + Double($1) }
                }
                sums[name] = zip(sums[name] ?? [Double](repeating: 0, count: channelSums.count), channelSums).map(+)
                positions[name, default: 0] += Double(m)
            }
        }
        return sums.mapValues { $0 }.reduce(into: [:]) { result, entry in
            result[entry.key] = entry.value.map { $0 / positions[entry.key]! }
        }
    }

    /// The rescaled model (see the file comment); layers without measurements stay as they are.
    public static func apply(_ means: [String: [Double]], to model: VGG19) -> VGG19 {
        var convolutions = model.convolutions
        var previous: [Double]? = nil
        for name in model.architecture.convolutionNames {
            let conv = model.convolutions[name]!
            let mine = (means[name] ?? []).map { $0 > 0 ? $0 : 1 }
            let own = mine.isEmpty ? [Double](repeating: 1, count: conv.outChannels) : mine
            let incoming = previous ?? [Double](repeating: 1, count: conv.inChannels)
            var weight = conv.weight, bias = conv.bias
            for o in 0..<conv.outChannels {
                bias[o] = Float(Double(bias[o]) / own[o])
                for c in 0..<conv.inChannels {
                    for k in 0..<9 {
                        weight[(o * conv.inChannels + c) * 9 + k] = Float(
                            Double(weight[(o * conv.inChannels + c) * 9 + k]) * incoming[c] / own[o])
                    }
                }
            }
            convolutions[name] = Conv2D(
                inChannels: conv.inChannels, outChannels: conv.outChannels, kernel: 3, padding: 1, weight: weight,
                bias: bias)
            previous = own
        }
        return VGG19(
            name: model.name, architecture: model.architecture, convolutions: convolutions,
            preprocessing: model.preprocessing, weightsSHA256: nil)
    }
}
