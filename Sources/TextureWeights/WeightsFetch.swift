// WeightsFetch: download the official VGG-19 weights, check them, and import them.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TextureCore
import TextureImages

public enum WeightsSource: String, CaseIterable, Sendable {
    case torchvision, caffe

    public var url: URL {
        switch self {
        case .torchvision: return URL(string: "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth")!
        case .caffe:
            return URL(
                string: "https://www.robots.ox.ac.uk/~vgg/software/very_deep/caffe/VGG_ILSVRC_19_layers.caffemodel")!
        }
    }

    /// torchvision names its files by the first 8 hex digits of their SHA-256 (and checks them
    /// the same way). The Caffe model has no published checksum: its SHA-256 is recorded instead.
    public var pinnedSHA256Prefix: String? { self == .torchvision ? "dcbb9e9d" : nil }
}

public enum WeightsFetch {
    /// Downloads into <weights>/.download-<file> (resuming a partial download with an HTTP Range
    /// request), checks the checksum, imports, and deletes the download only after success.
    /// - Parameter url: a mirror of the official file (default: the official address).
    public static func run(
        _ source: WeightsSource, url: URL? = nil, out: String?, force: Bool,
        progress: (Int64, Int64) -> Void = { _, _ in }
    )
        throws(WeightsError) -> ImportResult
    {
        let url = url ?? source.url
        let destination = out ?? ModelCatalog.defaultWeightsPath()
        if FileManager.default.fileExists(atPath: destination) && !force {
            throw .invalidArgument(
                name: "--out", value: destination, hint: "the file exists; pass --force to replace it")
        }
        let folder = (destination as NSString).deletingLastPathComponent
        let partial = ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(
            ".download-" + source.url.lastPathComponent)
        do { try ImageFile.createFolder(for: partial) } catch { throw .file(error) }
        try download(url, to: partial, progress: progress)
        let sha = (try? SHA256.hex(fileAt: partial)) ?? ""
        if let prefix = source.pinnedSHA256Prefix, !sha.hasPrefix(prefix) {
            try? FileManager.default.removeItem(atPath: partial)
            throw .invalidArgument(
                name: url.absoluteString, value: "SHA-256 \(sha)",
                hint:
                    "expected a SHA-256 starting with \(prefix); the download was corrupt and has been deleted, run the command again"
            )
        }
        let result = try WeightsImport.run(
            file: partial, format: source == .torchvision ? .pth : .caffemodel, out: destination, force: force)
        try? FileManager.default.removeItem(atPath: partial)
        return result
    }

    static func download(_ url: URL, to path: String, progress: (Int64, Int64) -> Void) throws(WeightsError) {
        if url.isFileURL {
            // A mirror on a shared drive: copied as a whole (URLSession on Linux has no file://).
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw .file(.fileMissing(path: url.path, role: "weights mirror"))
            }
            do { try ImageFile.writeAtomically(data, to: path) } catch { throw .file(error) }
            progress(Int64(data.count), Int64(data.count))
            return
        }
        let existing = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
        var request = URLRequest(url: url, timeoutInterval: 30)
        if existing > 0 { request.setValue("bytes=\(existing)-", forHTTPHeaderField: "Range") }
        let done = DispatchSemaphore(value: 0)
        let box = DownloadBox()
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.set(data, response as? HTTPURLResponse, error)
            done.signal()
        }.resume()
        done.wait()
        let (data, httpResponse, error) = box.get()
        let status = httpResponse?.statusCode ?? 0
        guard error == nil, let data, [200, 206].contains(status) else {
            let reason = error?.localizedDescription ?? "HTTP status \(status)"
            throw .invalidArgument(
                name: url.absoluteString, value: "download failed: \(reason)",
                hint: "download it on a machine with internet access, copy it to weights/\(url.lastPathComponent), "
                    + "and run `texstim weights import weights/\(url.lastPathComponent)`")
        }
        guard
            let handle = FileHandle(forWritingAtPath: path)
                ?? (FileManager.default.createFile(atPath: path, contents: nil)
                    ? FileHandle(forWritingAtPath: path) : nil)
        else {
            throw .file(.outputNotWritable(path: path, reason: "cannot open the download file"))
        }
        if status == 200 { handle.truncateFile(atOffset: 0) } else { handle.seekToEndOfFile() }
        handle.write(data)
        handle.closeFile()
        progress(
            Int64(data.count) + (status == 206 ? existing : 0), httpResponse?.expectedContentLength ?? Int64(data.count)
        )
    }
}

private final class DownloadBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (Data?, HTTPURLResponse?, Error?) = (nil, nil, nil)
    func set(_ data: Data?, _ response: HTTPURLResponse?, _ error: Error?) {
        lock.withLock { value = (data, response, error) }
    }
    func get() -> (Data?, HTTPURLResponse?, Error?) { lock.withLock { value } }
}
