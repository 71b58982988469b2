// WeightsOrigin: where a texstim weights file came from (recorded by `texstim weights import`)
// and whether it is a published VGG-19, so that `--model vgg19` never runs on other weights
// under the paper's name without saying so.
//
// Import writes the imported file's name, SHA-256 and format, and a digest of the converted
// tensors, into the safetensors metadata. A file counts as published when its imported file's
// SHA-256 is a published one and its tensors still have the digest written at import; every
// other file (random weights, another tool's conversion, an edited file) is `unverified`.

import Foundation
import TextureCore

/// A VGG-19 weights file as its publisher distributes it.
public struct PublishedWeights: Sendable, Equatable {
    /// Recorded in provenance as `published:<name>`.
    public var name: String
    public var file: String
    /// The file's SHA-256, or as much of it as the publisher states and checks.
    public var sha256Prefix: String

    public init(name: String, file: String, sha256Prefix: String) {
        self.name = name
        self.file = file
        self.sha256Prefix = sha256Prefix
    }

    /// torchvision names its files by the first 8 hex digits of their SHA-256 and checks only
    /// those, so texstim can check no more. The paper's Caffe file has no published checksum
    /// (its SHA-256 is recorded at import); until one is pinned here it imports as unverified.
    public static let known = [
        PublishedWeights(name: "torchvision-vgg19", file: "vgg19-dcbb9e9d.pth", sha256Prefix: "dcbb9e9d")
    ]

    func matches(_ sha256: String) -> Bool {
        sha256.count == 64 && sha256.lowercased().hasPrefix(sha256Prefix.lowercased())
    }
}

public struct WeightsOrigin: Sendable, Equatable {
    public enum Verification: Sendable, Equatable {
        case published(String)
        case unverified(reason: String)
    }

    public static let fileKey = "texstim.origin.file"
    public static let sha256Key = "texstim.origin.sha256"
    public static let formatKey = "texstim.origin.format"
    public static let digestKey = "texstim.digest"
    public static let normalizationKey = "texstim.normalization"

    /// The weights file the model was loaded from.
    public var path: String
    /// "imported from F (format, sha256 S), not normalised", or why no origin is known.
    public var description: String
    public var verification: Verification

    /// `published:<name>` or `unverified`, as provenance records it.
    public var label: String {
        switch verification {
        case .published(let name): return "published:\(name)"
        case .unverified: return "unverified"
        }
    }

    /// The metadata `texstim weights import` records for an imported file.
    static func importMetadata(file: String, sha256: String, format: String, model: VGG19) -> [String: String] {
        [fileKey: (file as NSString).lastPathComponent, sha256Key: sha256, formatKey: format, digestKey: digest(model)]
    }

    /// SHA-256 of the convolutions' float32 values (conv1_1.weight, conv1_1.bias, … in order):
    /// the weights themselves, whatever the metadata or the file's dtype.
    public static func digest(_ model: VGG19) -> String {
        var bytes = Data()
        for name in model.architecture.convolutionNames {
            let conv = model.convolutions[name]!
            conv.weight.withUnsafeBytes { bytes.append(contentsOf: $0) }
            conv.bias.withUnsafeBytes { bytes.append(contentsOf: $0) }
        }
        return SHA256.hex(bytes)
    }

    /// The origin of a loaded file and its verification against `published`.
    public static func of(
        _ file: SafetensorsFile, model: VGG19, path: String,
        published: [PublishedWeights] = PublishedWeights.known
    ) -> WeightsOrigin {
        of(metadata: file.metadata, model: model, path: path, published: published)
    }

    /// The same from a file's metadata and the model built from its tensors.
    public static func of(
        metadata: [String: String], model: VGG19, path: String,
        published: [PublishedWeights] = PublishedWeights.known
    ) -> WeightsOrigin {
        guard let name = metadata[fileKey], let sha = metadata[sha256Key] else {
            let source =
                metadata["texstim.source"].map { "its recorded source is '\($0)'" } ?? "it has no texstim metadata"
            return WeightsOrigin(
                path: path, description: "no imported file recorded (\(source))",
                verification: .unverified(reason: "it records no imported file: \(source)"))
        }
        let normalization = metadata[normalizationKey].map { "normalised: \($0)" } ?? "not normalised"
        let description =
            "imported from \(name) (\(metadata[formatKey] ?? "unknown format"), sha256 \(sha)), \(normalization)"
        guard let match = published.first(where: { $0.matches(sha) }) else {
            let names = published.map(\.file).joined(separator: ", ")
            return WeightsOrigin(
                path: path, description: description,
                verification: .unverified(
                    reason: "the imported file \(name) (sha256 \(sha)) is not a published VGG-19 (known: \(names))"))
        }
        guard metadata[digestKey] == digest(model) else {
            return WeightsOrigin(
                path: path, description: description,
                verification: .unverified(
                    reason:
                        "its tensors are not the ones written when \(name) was imported (the file was changed since)"))
        }
        return WeightsOrigin(path: path, description: description, verification: .published(match.name))
    }

    /// The origin keys a file derived from `file` (by normalisation) inherits: only while the
    /// tensors are still the imported ones, so that editing a file and normalising it cannot
    /// make it published again.
    static func inherited(from file: SafetensorsFile, model: VGG19) -> [String: String] {
        guard file.metadata[digestKey] == digest(model) else { return [:] }
        return file.metadata.filter { [fileKey, sha256Key, formatKey].contains($0.key) }
    }
}
