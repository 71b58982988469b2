// WeightsError: errors of reading, importing, fetching and checking model weights files; each names
// the file and a fix.

import TextureCore
import TextureImages

public enum WeightsError: Error, Equatable, CustomStringConvertible {
    /// A weights file (or the zip, pickle or protobuf inside it) that is not what its format says.
    case corruptFile(path: String, format: String, reason: String)
    /// An option or a file's content that cannot be used: `name` is the option or the file.
    case invalidArgument(name: String, value: String, hint: String)
    /// `vgg19` weights that are not a published VGG-19, refused unless unverified weights are allowed.
    case unverified(path: String, reason: String)
    /// A safetensors file or a model that TextureCore refuses.
    case core(TextureCoreError)
    /// A file that cannot be read or written.
    case file(ImageFileError)

    public var description: String {
        switch self {
        case .corruptFile(let path, let format, let reason):
            return "\(path): corrupt or truncated \(format): \(reason). Hint: download or export the file again."
        case .invalidArgument(let name, let value, let hint):
            return "\(name): invalid value '\(value)'. Hint: \(hint)"
        case .unverified(let path, let reason):
            return "\(path): not a published VGG-19, so --model vgg19 refuses it: \(reason). "
                + "Hint: fetch or import the real weights (`texstim weights fetch vgg19`, "
                + "`texstim weights import FILE`), use --model vgg19-random for "
                + "the random-weights control, or pass --allow-unverified-weights (in a manifest, "
                + "allow_unverified_weights: true) to use them anyway, recorded as unverified."
        case .core(let error): return error.description
        case .file(let error): return error.description
        }
    }
}
