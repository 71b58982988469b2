// ZipArchive: read the entries of a zip file held in memory (stored entries only, as torch.save writes).
//
// Layout read: the end-of-central-directory record (signature 0x06054b50, searched from the end),
// the central directory (0x02014b50 per entry: method, sizes, name, local header offset), and each
// local header (0x04034b50) to find where the data starts. ZIP64 and compressed entries are refused.

import Foundation

public struct ZipArchive {
    public struct Entry {
        public var name: String
        var method: Int
        var size: Int
        var dataOffset: Int
    }

    let data: Data
    let path: String
    public private(set) var entries: [String: Entry] = [:]

    public init(_ data: Data, path: String) throws(WeightsError) {
        self.data = data
        self.path = path
        let bytes = [UInt8](data)
        guard bytes.count >= 22,
            let end = (0...(bytes.count - 22)).reversed().first(where: { Self.u32(bytes, $0) == 0x0605_4B50 })
        else {
            throw .corruptFile(
                path: path, format: "zip archive",
                reason: "no end-of-central-directory record (truncated or not a zip file)")
        }
        let count = Self.u16(bytes, end + 10), directory = Int(Self.u32(bytes, end + 16))
        var offset = directory
        for _ in 0..<count {
            guard offset + 46 <= bytes.count, Self.u32(bytes, offset) == 0x0201_4B50 else {
                throw .corruptFile(
                    path: path, format: "zip archive", reason: "central directory is damaged (truncated?)")
            }
            let method = Self.u16(bytes, offset + 10), size = Int(Self.u32(bytes, offset + 20))
            let nameLength = Self.u16(bytes, offset + 28), extraLength = Self.u16(bytes, offset + 30),
                commentLength = Self.u16(bytes, offset + 32)
            let local = Int(Self.u32(bytes, offset + 42))
            guard offset + 46 + nameLength <= bytes.count, local + 30 <= bytes.count,
                Self.u32(bytes, local) == 0x0403_4B50
            else {
                throw .corruptFile(path: path, format: "zip archive", reason: "entry header is damaged (truncated?)")
            }
            let name = String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            let dataOffset = local + 30 + Self.u16(bytes, local + 26) + Self.u16(bytes, local + 28)
            guard dataOffset + size <= bytes.count else {
                throw .corruptFile(
                    path: path, format: "zip archive",
                    reason: "entry '\(name)' runs past the end of the file (truncated?)")
            }
            entries[name] = Entry(name: name, method: method, size: size, dataOffset: dataOffset)
            offset += 46 + nameLength + extraLength + commentLength
        }
    }

    /// The bytes of an entry.
    public func contents(_ name: String) throws(WeightsError) -> Data {
        guard let entry = entries[name] else {
            throw .corruptFile(path: path, format: "zip archive", reason: "entry '\(name)' is missing")
        }
        guard entry.method == 0 else {
            throw .corruptFile(
                path: path, format: "zip archive",
                reason: "entry '\(name)' is compressed (method \(entry.method)); torch.save stores entries uncompressed"
            )
        }
        return data.subdata(
            in: (data.startIndex + entry.dataOffset)..<(data.startIndex + entry.dataOffset + entry.size))
    }

    static func u16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
