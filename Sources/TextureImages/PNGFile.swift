// PNGFile: PNG decoding and encoding; the only file that imports CPNG (libpng).

import Foundation
internal import CPNG
import TextureCore

public enum PNGFile {
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The iTXt keyword under which texstim stores provenance JSON.
    public static let provenanceKey = "texstim:provenance"

    /// Decodes PNG bytes; samples are divided by 255 or 65535.
    public static func decode(_ data: Data, path: String, maxSide: Int) throws(ImageFileError) -> DecodedImage {
        // IHDR is the first chunk: width and height (big-endian) at bytes 16 and 20. Checked here
        // so an oversized image is named as such (libpng would only call its header invalid).
        if data.count >= 24 && data.starts(with: signature) {
            let bytes = [UInt8](data.prefix(24))
            let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
            let height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
            if width > maxSide || height > maxSide {
                throw .imageTooLarge(path: path, width: width, height: height, limit: maxSide)
            }
        }
        var info = texstim_png_info()
        var samples: UnsafeMutablePointer<UInt16>?
        var error = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBytes { raw in
            texstim_png_decode(
                raw.bindMemory(to: UInt8.self).baseAddress, data.count, UInt32(maxSide),
                &info, &samples, &error, error.count)
        }
        guard status == 0, let samples else {
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if reason.contains("exceeds") || reason.contains("too large") || reason.contains("user limit") {
                throw .imageTooLarge(path: path, width: Int(info.width), height: Int(info.height), limit: maxSide)
            }
            throw .corruptImage(path: path, format: "PNG", reason: reason)
        }
        defer { free(samples) }
        let (width, height, channels) = (Int(info.width), Int(info.height), Int(info.channels))
        let maximum = Float((1 << Int(info.bit_depth)) - 1)
        var pixels = Tensor(Shape(channels, height, width))
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    pixels[c, y, x] = Float(samples[(y * width + x) * channels + c]) / maximum
                }
            }
        }
        var warnings: [String] = []
        if info.had_alpha != 0 {
            warnings.append("\(path): transparency (alpha) was dropped; texstim uses colour only")
        }
        return DecodedImage(
            pixels: pixels, bitDepth: Int(info.bit_depth), warnings: warnings, text: provenanceText(data))
    }

    /// Encodes (1 or 3, H, W) pixels in [0, 1] at 8 or 16 bits, rounding to the nearest code,
    /// with `text` in an uncompressed iTXt chunk. No time chunk: equal input gives equal bytes.
    public static func encode(_ pixels: Tensor, bitDepth: Int, text: String?) throws(ImageFileError) -> Data {
        let (channels, height, width) = (pixels.shape.channels, pixels.shape.height, pixels.shape.width)
        let maximum = Float((1 << bitDepth) - 1)
        var samples = [UInt16](repeating: 0, count: pixels.shape.count)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    let value = min(max(pixels[c, y, x], 0), 1)
                    samples[(y * width + x) * channels + c] = UInt16((value * maximum).rounded())
                }
            }
        }
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        var error = [CChar](repeating: 0, count: 256)
        let status =
            text.map { text in
                texstim_png_encode(
                    samples, UInt32(width), UInt32(height), Int32(channels), Int32(bitDepth),
                    provenanceKey, text, &output, &length, &error, error.count)
            }
            ?? texstim_png_encode(
                samples, UInt32(width), UInt32(height), Int32(channels), Int32(bitDepth),
                nil, nil, &output, &length, &error, error.count)
        guard status == 0, let output else {
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .encodingFailed(channels: channels, bitDepth: bitDepth, reason: reason)
        }
        defer { free(output) }
        return Data(bytes: output, count: length)
    }

    /// The text of the first iTXt chunk with our keyword (uncompressed), found by walking chunks.
    public static func provenanceText(_ data: Data) -> String? {
        let bytes = [UInt8](data)
        var offset = 8
        while offset + 8 <= bytes.count {
            let length =
                Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16
                | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = offset + 8
            guard length >= 0, body + length <= bytes.count else { return nil }
            if type == "iTXt" {
                let chunk = Array(bytes[body..<(body + length)])
                // keyword \0 compression-flag compression-method language \0 translated-key \0 text
                if let keyEnd = chunk.firstIndex(of: 0),
                    String(decoding: chunk[..<keyEnd], as: UTF8.self) == provenanceKey,
                    keyEnd + 2 < chunk.count, chunk[keyEnd + 1] == 0,
                    let languageEnd = chunk[(keyEnd + 3)...].firstIndex(of: 0),
                    let translatedEnd = chunk[(languageEnd + 1)...].firstIndex(of: 0)
                {
                    return String(decoding: chunk[(translatedEnd + 1)...], as: UTF8.self)
                }
            }
            if type == "IEND" { return nil }
            offset = body + length + 4
        }
        return nil
    }
}
