// WeightsFiles: write model weights files (texstim weights random) without clobbering good ones.

import Foundation
import TextureCore
import TextureImages

public enum WeightsFiles {
    /// Writes seeded He-initialised VGG-19 weights in texstim's safetensors layout.
    /// An existing file is kept unless `force` is set. It records no imported file, so it is
    /// never taken for a published VGG-19: `--model vgg19` needs --allow-unverified-weights for it.
    public static func writeRandom(seed: UInt64, to path: String, force: Bool) throws(WeightsError) -> String {
        if FileManager.default.fileExists(atPath: path) && !force {
            throw .invalidArgument(name: "--out", value: path, hint: "the file exists; pass --force to replace it")
        }
        do { try ImageFile.checkWritable(path: path) } catch { throw .file(error) }
        let model = VGG19Weights.random(seed: seed)
        let data = VGG19Weights.encode(model, metadata: ["texstim.source": "random (He init), seed \(seed)"])
        do { try ImageFile.writeAtomically(data, to: path) } catch { throw .file(error) }
        return SHA256.hex(data)
    }
}

/// What `texstim weights verify` and `list` report about one file.
public struct WeightsSummary: Sendable {
    public var path: String
    public var sha256: String
    public var bytes: Int
    public var widths: [Int]
    public var preprocessing: String
    public var source: String
    /// nil when no fingerprint was recorded; else whether the recomputed one matches.
    public var fingerprintMatches: Bool?
    /// Where the weights came from and whether they are a published VGG-19.
    public var origin: WeightsOrigin

    /// What `texstim weights verify` concludes from the fingerprint.
    public var verdict: WeightsVerdict {
        switch fingerprintMatches {
        case .some(true): return .fingerprintMatches
        case .some(false): return .fingerprintDiffers
        case .none: return .noFingerprint
        }
    }
}

/// The verdict of `texstim weights verify` on a file that loads (one that does not is an error).
public enum WeightsVerdict: Sendable, Equatable {
    /// The activation fingerprint matches the one recorded at conversion.
    case fingerprintMatches
    /// No fingerprint recorded (the file was not made by `texstim weights import`).
    case noFingerprint
    /// The features no longer match those recorded at conversion: the file changed.
    case fingerprintDiffers
}

extension WeightsFiles {
    /// Checks a texstim weights file: SHA-256, every shape (widths inferred from conv1_1 … conv5_1),
    /// finite and non-zero values, the activation fingerprint against the one recorded at
    /// conversion, and whether it is a published VGG-19.
    public static func verify(path: String, fingerprint: Bool = true) throws(WeightsError) -> WeightsSummary {
        let file: SafetensorsFile
        do { file = try SafetensorsFile.read(path: path) } catch { throw .core(error) }
        let widths = (1...5).map { file.tensors["conv\($0)_1.weight"]?.shape.first ?? 0 }
        let model: VGG19
        do { model = try VGG19Weights.load(file, path: path, architecture: VGGArchitecture(widths: widths)) } catch {
            throw .core(error)
        }
        let recorded = file.metadata[WeightsFingerprint.metadataKey]
        let matches =
            fingerprint ? recorded.map { WeightsFingerprint.matches($0, WeightsFingerprint.compute(model)) } : nil
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return WeightsSummary(
            path: path, sha256: file.sha256, bytes: bytes, widths: widths, preprocessing: model.preprocessing.rawValue,
            source: file.metadata["texstim.source"] ?? "unknown", fingerprintMatches: matches,
            origin: WeightsOrigin.of(file, model: model, path: path))
    }

    /// Every .safetensors file in the weights folder (TEXSTIM_WEIGHTS_DIR or weights/).
    public static func list(folder: String? = nil) -> [Result<WeightsSummary, WeightsError>] {
        let directory = folder ?? (ModelCatalog.defaultWeightsPath() as NSString).deletingLastPathComponent
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
            $0.hasSuffix(".safetensors")
        }.sorted()
        return files.map { name in
            let path = (directory as NSString).appendingPathComponent(name)
            do throws(WeightsError) { return .success(try verify(path: path, fingerprint: false)) } catch {
                return .failure(error)
            }
        }
    }
}
