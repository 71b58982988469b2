// ImageFileError: errors of reading and writing files (images among them); each names the file and a fix.

public enum ImageFileError: Error, Equatable, CustomStringConvertible {
    case fileMissing(path: String, role: String)
    case fileUnreadable(path: String, reason: String)
    case unsupportedImageFormat(path: String)
    /// A file that is not what its format says; `format` is "PNG", "JPEG" or, for the other files
    /// texstim reads (a set index, a provenance record), what it was read as.
    case corruptImage(path: String, format: String, reason: String)
    case imageTooLarge(path: String, width: Int, height: Int, limit: Int)
    case outputNotWritable(path: String, reason: String)
    /// libpng refused to encode the pixels (a channel count or bit depth PNG cannot store).
    case encodingFailed(channels: Int, bitDepth: Int, reason: String)
    /// A JSON file texstim writes (an index, a report) could not be encoded; nothing was written.
    case jsonEncodingFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .fileMissing(let path, let role):
            return "\(path): \(role) not found. Hint: check the path (relative paths start at the current directory)."
        case .fileUnreadable(let path, let reason):
            return "\(path): cannot read file: \(reason)"
        case .unsupportedImageFormat(let path):
            return "\(path): not a PNG or JPEG file. Hint: convert the image to PNG."
        case .corruptImage(let path, let format, let reason):
            let hint = format == "PNG" || format == "JPEG" ? "re-export the image" : "download or export the file again"
            return "\(path): corrupt or truncated \(format): \(reason). Hint: \(hint)."
        case .imageTooLarge(let path, let width, let height, let limit):
            return "\(path): image is \(width)×\(height), above the limit of \(limit) pixels per side. "
                + "Hint: downscale it first (texstim reads images up to \(limit) pixels per side)."
        case .outputNotWritable(let path, let reason):
            return "\(path): cannot write output: \(reason). Hint: choose a writable folder with --out."
        case .encodingFailed(let channels, let bitDepth, let reason):
            return "PNG encoding: invalid value '\(channels) channels, \(bitDepth) bits'. Hint: \(reason)"
        case .jsonEncodingFailed(let path, let reason):
            return "\(path): cannot encode the JSON (nothing written): \(reason). Hint: this is a texstim bug; "
                + "please report it with the manifest."
        }
    }
}
