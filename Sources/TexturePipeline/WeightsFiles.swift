// WeightsFiles: write model weights files (texstim weights random) without clobbering good ones.

import Foundation
import TextureCore

public enum WeightsFiles {
    /// Writes seeded He-initialised VGG-19 weights in texstim's safetensors layout.
    /// An existing file is kept unless `force` is set.
    public static func writeRandom(seed: UInt64, to path: String, force: Bool) throws(PipelineError) -> String {
        if FileManager.default.fileExists(atPath: path) && !force {
            throw .invalidArgument(name: "--out", value: path, hint: "the file exists; pass --force to replace it")
        }
        try ImageFile.checkWritable(path: path)
        let model = VGG19Weights.random(seed: seed)
        let data = VGG19Weights.encode(model, metadata: ["texstim.source": "random (He init), seed \(seed)"])
        try ImageFile.writeAtomically(data, to: path)
        return SHA256.hex(data)
    }
}
