// SafetensorsHardeningTests: crafted headers (overflowing shapes and offsets, overlapping ranges,
// duplicate keys, deep nesting) and non-files are refused with the file and the field, never a trap.

import Foundation
import Testing
import TextureCore

@Suite struct SafetensorsHardeningTests {
    /// An 8-byte length, the header text, then `data` bytes.
    static func file(_ header: String, data: Int = 8) -> Data {
        var bytes = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(Data(header.utf8))
        bytes.append(Data(repeating: 0x3F, count: data))  // 0x3F3F3F3F: a finite, non-zero float
        return bytes
    }

    static func detail(_ header: String, data: Int = 8) -> String {
        do {
            _ = try SafetensorsFile.parse(file(header, data: data), path: "w.safetensors")
            return "accepted"
        } catch { return error.description }
    }

    @Test(arguments: [
        (#"{"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#, "tensor 't': shape [4294967296, 4294967296] has a negative dimension or more elements"),
        (#"{"t":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,0]}}"#, "tensor 't': shape [4611686018427387904] has a negative dimension or more elements"),
        (#"{"t":{"dtype":"F32","shape":[-2,-2],"data_offsets":[0,16]}}"#, "tensor 't': shape [-2, -2] has a negative dimension"),
        (#"{"t":{"dtype":"F32","shape":[1],"data_offsets":[9223372036854775803,9223372036854775807]}}"#, "tensor 't' ends at byte 9223372036854775807 of the data, but the file holds 8 data bytes"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, "tensor 'b': data_offsets [4, 8] overlap those of 'a' [0, 8]"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, "header names 'a' twice"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\u0061":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, "header names 'a' twice"),
        ("{\"a\":" + String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000) + "}", "header nests deeper than 16 levels"),
    ])
    func craftedHeadersAreRefusedByField(header: String, expected: String) {
        let message = Self.detail(header)
        #expect(message.hasPrefix("w.safetensors: not a valid safetensors file: " + expected), "\(message)")
    }

    @Test func disjointTensorsAndEqualKeysInSeparateObjectsAreAccepted() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"__metadata__":{"a":"x"}}"#
        #expect(Self.detail(header) == "accepted")
    }

    @Test func nonFilesAreRefusedByKind() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("texstim-st-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fifo = folder + "/pipe.safetensors"
        unlink(fifo)
        #expect(mkfifo(fifo, 0o600) == 0)
        let sparse = folder + "/sparse.safetensors"
        #expect(FileManager.default.createFile(atPath: sparse, contents: nil))
        #expect(truncate(sparse, off_t(RegularFile.defaultLimit) + 1) == 0)
        let cases = [(folder, "it is a directory, not a file"), (fifo, "it is a FIFO (named pipe), not a regular file"),
                     ("/dev/zero", "it is a character device, not a regular file"),
                     (sparse, "it is \(RegularFile.defaultLimit + 1) bytes, above texstim's limit of \(RegularFile.defaultLimit) bytes")]
        for (path, reason) in cases {
            do {
                _ = try SafetensorsFile.read(path: path)
                Issue.record("\(path) was read")
            } catch {
                #expect(error.description.hasPrefix("\(path): cannot read weights file: \(reason)"), "\(error.description)")
            }
        }
    }
}
