// TemporaryFiles: the names of texstim's temporary files, whose owner (host, pid) a name tells.
//
// A temporary file is `.NAME.texstim-tmp.<host>.<pid>`: texstim's own marker, so a user's
// `.draft.tmp-31337` is never taken for one, and the host, because on a cluster the pid of a
// process on another node says nothing here: only this host's files with a dead pid are removed.

import Foundation

public enum TemporaryFiles {
    static let marker = ".texstim-tmp."

    /// This machine's name, made filename-safe ('/' and control characters cannot appear in a name).
    public static let host: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        let name = gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        let safe = String(name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "-" })
        return safe.isEmpty ? "unknown-host" : safe
    }()

    /// The temporary name for `fileName` written by process `pid` on this host.
    public static func name(for fileName: String, pid: Int32 = getpid()) -> String {
        ".\(fileName)\(marker)\(host).\(pid)"
    }

    /// The longest temporary name of `fileName` (a pid has at most 10 digits): what must fit in a
    /// file name (255 bytes) for the file to be writable at all.
    public static func longestName(for fileName: String) -> String {
        ".\(fileName)\(marker)\(host).\(String(repeating: "9", count: 10))"
    }

    /// The host and pid of a texstim temporary name; nil for any other name.
    public static func owner(of name: String) -> (host: String, pid: Int32)? {
        guard name.hasPrefix("."), let range = name.range(of: marker, options: .backwards) else { return nil }
        let tail = name[range.upperBound...]
        guard let dot = tail.lastIndex(of: "."), let pid = Int32(tail[tail.index(after: dot)...]), pid > 0 else {
            return nil
        }
        let host = String(tail[..<dot])
        return host.isEmpty ? nil : (host, pid)
    }
}
