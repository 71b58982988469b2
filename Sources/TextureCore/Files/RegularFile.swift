// RegularFile: read a whole input file only when it is a regular file of a bounded size.
//
// Foundation's Data(contentsOf:) blocks forever on a FIFO, reads /dev/zero until memory runs
// out, and reports a directory or a 100 GB file as "NSCocoaErrorDomain error 256". Every input
// texstim reads (images, manifests, weights) goes through here instead: stat first, refuse what
// is not a regular file or is above the limit, then read with POSIX calls whose errors have names.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a file could not be read, in words that fit after "cannot read <path>: ".
public enum FileReadProblem: Error, Equatable, Sendable {
    case missing
    case directory
    case notRegular(kind: String)
    case tooLarge(bytes: Int, limit: Int)
    case unreadable(reason: String)

    public var reason: String {
        switch self {
        case .missing: return "no such file"
        case .directory: return "it is a directory, not a file"
        case .notRegular(let kind): return "it is a \(kind), not a regular file"
        case .tooLarge(let bytes, let limit):
            return
                "it is \(bytes) bytes, above texstim's limit of \(limit) bytes for this kind of file (a sparse or wrong file?)"
        case .unreadable(let reason): return reason
        }
    }
}

public enum RegularFile {
    /// 2 GiB: the largest VGG-19 file texstim reads (torchvision's .pth with the classifier) is
    /// 548 MB, and a PNG at the 8192-pixel side limit stays well below it.
    public static let defaultLimit = 2 << 30

    /// The file's bytes, or why they cannot be read. Symbolic links are followed (inputs may be links).
    public static func read(path: String, limit: Int = defaultLimit) -> Result<Data, FileReadProblem> {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return .failure(
                errno == ENOENT || errno == ENOTDIR ? .missing : .unreadable(reason: String(cString: strerror(errno))))
        }
        if let problem = problem(info, limit: limit) { return .failure(problem) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return .failure(.unreadable(reason: String(cString: strerror(errno)))) }
        defer { close(descriptor) }
        // Checked again on the open file: the path may have been replaced since stat.
        guard fstat(descriptor, &info) == 0 else {
            return .failure(.unreadable(reason: String(cString: strerror(errno))))
        }
        if let problem = problem(info, limit: limit) { return .failure(problem) }
        return readAll(descriptor, expected: Int(info.st_size), limit: limit)
    }

    static func problem(_ info: stat, limit: Int) -> FileReadProblem? {
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .directory
        case S_IFIFO: return .notRegular(kind: "FIFO (named pipe)")
        case S_IFCHR: return .notRegular(kind: "character device")
        case S_IFBLK: return .notRegular(kind: "block device")
        case S_IFSOCK: return .notRegular(kind: "socket")
        default: return .notRegular(kind: "special file")
        }
        return info.st_size > limit ? .tooLarge(bytes: Int(info.st_size), limit: limit) : nil
    }

    /// Reads to end of file, never more than `limit` bytes (a file that grows while read is refused).
    static func readAll(_ descriptor: Int32, expected: Int, limit: Int) -> Result<Data, FileReadProblem> {
        var data = Data(count: expected)
        var total = 0
        while true {
            if total == data.count {
                guard total < limit else { return .failure(.tooLarge(bytes: total + 1, limit: limit)) }
                data.count = min(limit, max(total * 2, total + 65536))
            }
            let count = data.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + total, buffer.count - total)
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return .failure(.unreadable(reason: String(cString: strerror(errno)))) }
            if count == 0 { break }
            total += count
        }
        data.count = total
        return .success(data)
    }
}
