// TemporaryFiles: the names of texstim's temporary files, and the sweep of the ones a dead run left.
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
        let name = gethostname(&buffer, buffer.count) == 0 ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
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
        guard let dot = tail.lastIndex(of: "."), let pid = Int32(tail[tail.index(after: dot)...]), pid > 0 else { return nil }
        let host = String(tail[..<dot])
        return host.isEmpty ? nil : (host, pid)
    }

    /// Removes, below `folder` (never following a symbolic link), the temporary files of texstim
    /// processes on this host that no longer run. Returns the paths removed.
    @discardableResult
    public static func sweep(in folder: String) -> [String] {
        var removed: [String] = []
        for path in SetFolder.walk(folder) {
            guard let owner = owner(of: (path as NSString).lastPathComponent), owner.host == host,
                  kill(owner.pid, 0) != 0 && errno == ESRCH else { continue }
            let full = (folder as NSString).appendingPathComponent(path)
            if unlink(full) == 0 { removed.append(full) }
        }
        return removed
    }
}
