// ImageFile: read source images (PNG or JPEG, chosen by signature) and write files atomically.

import Foundation
import TextureCore

public enum ImageFile {
    /// Images with a side above this are refused before their pixels are allocated.
    public static let defaultMaxSide = 8192

    /// Reads a PNG or JPEG file.
    public static func load(
        path: String, maxSide: Int = defaultMaxSide, role: String = "image"
    )
        throws(ImageFileError) -> DecodedImage
    {
        try decode(readFile(path: path, role: role), path: path, maxSide: maxSide)
    }

    /// Decodes PNG or JPEG bytes already read (for callers that also hash them).
    public static func decode(
        _ data: Data, path: String, maxSide: Int = defaultMaxSide
    )
        throws(ImageFileError) -> DecodedImage
    {
        if data.starts(with: PNGFile.signature) { return try PNGFile.decode(data, path: path, maxSide: maxSide) }
        if JPEGFile.isJPEG(data) { return try JPEGFile.decode(data, path: path, maxSide: maxSide) }
        throw .unsupportedImageFormat(path: path)
    }

    /// The bytes of an input file; a directory, FIFO, device or oversized file is refused by name.
    public static func readFile(path: String, role: String) throws(ImageFileError) -> Data {
        switch RegularFile.read(path: path) {
        case .success(let data): return data
        case .failure(.missing): throw .fileMissing(path: path, role: role)
        case .failure(let problem): throw .fileUnreadable(path: path, reason: "\(role): \(problem.reason)")
        }
    }

    /// Checks, before any work starts, that `path`'s folder exists and is writable.
    public static func checkWritable(path: String) throws(ImageFileError) {
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw .outputNotWritable(path: path, reason: "folder '\(directory)' does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw .outputNotWritable(path: path, reason: "folder '\(directory)' is not writable")
        }
    }

    /// A JSONSerialization document as pretty, sorted-key JSON with unescaped slashes and a final
    /// newline; a document that cannot be encoded throws (`path` names the file it was meant for).
    public static func jsonData(_ document: Any, for path: String) throws(ImageFileError) -> Data {
        // Checked first: JSONSerialization traps (on Darwin) rather than throw on some invalid objects.
        guard JSONSerialization.isValidJSONObject(document) else {
            throw .jsonEncodingFailed(
                path: path, reason: "not a JSON document (a non-finite number or a non-JSON value)")
        }
        do {
            let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return try JSONSerialization.data(withJSONObject: document, options: options) + Data("\n".utf8)
        } catch { throw .jsonEncodingFailed(path: path, reason: "\(error)") }
    }

    /// `jsonData` written atomically: a document that cannot be encoded writes nothing (never an
    /// empty file in place of the old one).
    public static func writeJSON(_ document: Any, to path: String) throws(ImageFileError) {
        try writeAtomically(jsonData(document, for: path), to: path)
    }

    /// Writes to a temporary file in the same folder, then renames it over `path`, so a reader
    /// never sees a partial file and an interrupted write leaves the old file intact. The
    /// temporary file is created exclusively and never through a link (see TemporaryFiles).
    public static func writeAtomically(_ data: Data, to path: String) throws(ImageFileError) {
        let temporary = ((path as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent(TemporaryFiles.name(for: (path as NSString).lastPathComponent))
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .outputNotWritable(path: path, reason: String(cString: strerror(errno))) }
        var written = 0
        let complete: Bool = data.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                written += count
            }
            return true
        }
        let reason = complete ? nil : String(cString: strerror(errno))
        // rename(2) replaces a link at `path` itself, never the file it points to.
        if close(descriptor) != 0 || !complete || rename(temporary, path) != 0 {
            let failure = reason ?? String(cString: strerror(errno))
            unlink(temporary)
            throw .outputNotWritable(path: path, reason: failure)
        }
    }
}

extension ImageFile {
    /// Creates the folder that will hold `path`, with its parents.
    public static func createFolder(for path: String) throws(ImageFileError) {
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw .outputNotWritable(path: path, reason: error.localizedDescription)
        }
    }
}
