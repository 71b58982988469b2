// JPEGFile: JPEG decoding; the only file that imports CJPEG (libjpeg-turbo).

import Foundation
internal import CJPEG
import TextureCore

public enum JPEGFile {
    public static func isJPEG(_ data: Data) -> Bool {
        data.count >= 3 && data[data.startIndex] == 0xFF && data[data.startIndex + 1] == 0xD8
            && data[data.startIndex + 2] == 0xFF
    }

    /// Decodes 8-bit grey or RGB (YCbCr is converted by libjpeg; CMYK and YCCK by the shim, as
    /// R = (1 − C)(1 − K) without colour management); samples are divided by 255.
    public static func decode(_ data: Data, path: String, maxSide: Int) throws(ImageFileError) -> DecodedImage {
        var width: UInt32 = 0, height: UInt32 = 0
        var channels: Int32 = 0
        var samples: UnsafeMutablePointer<UInt8>?
        var error = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBytes { raw in
            texstim_jpeg_decode(raw.bindMemory(to: UInt8.self).baseAddress, data.count, UInt32(maxSide),
                                &width, &height, &channels, &samples, &error, error.count)
        }
        guard status == 0, let samples else {
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if reason.contains("above the limit") {
                throw .imageTooLarge(path: path, width: Int(width), height: Int(height), limit: maxSide)
            }
            throw .corruptImage(path: path, format: "JPEG", reason: reason)
        }
        defer { free(samples) }
        let (w, h, c) = (Int(width), Int(height), Int(channels))
        var pixels = Tensor(Shape(c, h, w))
        for y in 0..<h {
            for x in 0..<w {
                for k in 0..<c { pixels[k, y, x] = Float(samples[(y * w + x) * c + k]) / 255 }
            }
        }
        return DecodedImage(pixels: pixels, bitDepth: 8, warnings: [], text: nil)
    }
}
