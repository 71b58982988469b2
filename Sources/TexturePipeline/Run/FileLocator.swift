// FileLocator: where an input a set recorded (source image, manifest) is now, so that a set can be
// reproduced and validated from any working directory and after it was copied elsewhere.
//
// Recorded paths are as given on the command line or in the manifest, i.e. relative to the
// directory the run started in; a set also records each input relative to the file that refers
// to it (the stimulus, the set folder). The candidates, in order: the recorded path (from the
// current directory), the path relative to the referring folder, then below `--sources DIR` by
// the path as written in the manifest and by file name. The caller verifies the SHA-256.

import Foundation
import TextureCore

public struct FileLocator: Sendable {
    /// `--sources DIR`: where the sources (and the manifest) now are, if they moved.
    public var sourcesFolder: String?

    public init(sourcesFolder: String? = nil) {
        self.sourcesFolder = sourcesFolder
    }

    /// One place to look and why.
    public struct Candidate: Sendable, Equatable {
        public var path: String
        public var reason: String
    }

    /// The places to try for an input, in order, without repeats.
    /// - Parameters:
    ///   - recorded: the path as recorded (relative to the directory the run started in).
    ///   - relative: the recorded path relative to `folder`, if the record has one.
    ///   - folder: the folder `relative` starts from (the stimulus' or the set's, where it is now).
    ///   - asWritten: the path as written in the manifest (relative to the manifest), if known.
    ///   - recordedAs: what `recorded` is, for the message ("as recorded", "as the manifest says").
    public func candidates(
        recorded: String, relative: String?, folder: String, asWritten: String? = nil,
        recordedAs: String = "as recorded"
    ) -> [Candidate] {
        let cwd = FileManager.default.currentDirectoryPath
        var list = [
            Candidate(
                path: recorded,
                reason: recorded.hasPrefix("/") ? recordedAs : "\(recordedAs), from the current directory \(cwd)")
        ]
        if let relative {
            list.append(Candidate(path: Self.join(folder, relative), reason: "relative to \(folder), as recorded"))
        }
        if let sourcesFolder {
            if let asWritten, !asWritten.hasPrefix("/") {
                list.append(
                    Candidate(
                        path: Self.join(sourcesFolder, asWritten), reason: "--sources, by the path in the manifest"))
            }
            list.append(
                Candidate(
                    path: Self.join(sourcesFolder, (recorded as NSString).lastPathComponent),
                    reason: "--sources, by file name"))
        }
        var seen: Set<String> = []
        return list.filter { seen.insert(Self.absolute($0.path)).inserted }
    }

    /// The first candidate that exists and has the recorded SHA-256 (else the first that exists,
    /// for the caller to report as changed), or an error naming every place tried.
    public func locate(
        _ role: String, recorded: String, relative: String?, folder: String, asWritten: String? = nil,
        sha256: String? = nil, recordedAs: String = "as recorded"
    ) throws(PipelineError) -> String {
        let tried = candidates(
            recorded: recorded, relative: relative, folder: folder, asWritten: asWritten, recordedAs: recordedAs)
        let existing = tried.filter { candidate in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }
        if let sha256, let match = existing.first(where: { (try? SHA256.hex(fileAt: $0.path)) == sha256 }) {
            return match.path
        }
        if let found = existing.first { return found.path }
        throw .inputNotFound(
            role: role, recorded: recorded, tried: tried.map { "\($0.path) (\($0.reason))" },
            hint: sourcesFolder == nil
                ? "if the files moved, pass --sources DIR (the folder that holds them now)"
                : "put the file in \(sourcesFolder!) under its name or its path in the manifest")
    }

    // MARK: - Paths

    /// `path` relative to `folder` (both taken from the current directory when relative), e.g.
    /// "../../../sources/a.png"; symbolic links are not resolved, so the result holds for a copy.
    public static func relativePath(of path: String, from folder: String) -> String {
        let target = components(absolute(path)), base = components(absolute(folder))
        var common = 0
        while common < min(target.count, base.count) && target[common] == base[common] { common += 1 }
        let up = [String](repeating: "..", count: base.count - common)
        return (up + target[common...]).joined(separator: "/")
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : join(FileManager.default.currentDirectoryPath, path)
        return (full as NSString).standardizingPath
    }

    static func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }

    static func join(_ folder: String, _ path: String) -> String {
        path.hasPrefix("/") || folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
    }
}
