// ImageFileTests: every supported PNG kind and JPEG decodes to known values; bad files fail clearly.

import Foundation
import Testing
import TextureCore
import TextureImages
import TexturePipeline

func fixture(_ name: String) -> String {
    Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures")!
}

func temporaryFolder() -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("texstim-pipeline-\(getpid())-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.path
}

@Suite struct ImageFileTests {
    /// Fixture pixel (x, y) values, from scripts/make_fixtures.py.
    @Test func decodesGreyKinds() throws {
        let grey8 = try ImageFile.load(path: fixture("grey8.png"))
        #expect(grey8.pixels.shape == Shape(1, 3, 5) && grey8.bitDepth == 8)
        #expect(grey8.pixels[0, 2, 4] == Float(40 * 4 + 10 * 2) / 255)
        let grey16 = try ImageFile.load(path: fixture("grey16.png"))
        #expect(grey16.bitDepth == 16 && grey16.pixels[0, 1, 3] == Float(4000 * 3 + 1000 + 7) / 65535)
        let greyAlpha = try ImageFile.load(path: fixture("grey_alpha8.png"))
        #expect(greyAlpha.pixels.shape.channels == 1 && greyAlpha.pixels[0, 1, 1] == 50 / 255)
        #expect(greyAlpha.warnings.count == 1 && greyAlpha.warnings[0].contains("alpha"))
        let bits = try ImageFile.load(path: fixture("grey1.png"))
        #expect(bits.pixels.data.prefix(5) == [0, 1, 0, 1, 0])
    }

    @Test func decodesColourKinds() throws {
        let rgb8 = try ImageFile.load(path: fixture("rgb8.png"))
        #expect(rgb8.pixels.shape == Shape(3, 3, 5))
        let expected: [Float] = [120, 20, 200].map { $0 / 255 }
        #expect((0..<3).map { rgb8.pixels[$0, 2, 3] } == expected)
        let rgb16 = try ImageFile.load(path: fixture("rgb16.png"))
        #expect(rgb16.bitDepth == 16 && rgb16.pixels[0, 0, 4] == 16000 / 65535 && rgb16.pixels[2, 0, 0] == 60000 / 65535)
        let rgba = try ImageFile.load(path: fixture("rgba8.png"))
        #expect(rgba.pixels.shape.channels == 3 && rgba.warnings.count == 1 && rgba.pixels[0, 0, 1] == 40 / 255)
        let palette = try ImageFile.load(path: fixture("palette2.png"))
        #expect(palette.pixels.shape == Shape(3, 3, 5) && palette.bitDepth == 8)
        #expect((0..<5).map { palette.pixels[0, 1, $0] } == [0, 40, 80, 120, 0].map { Float($0) / 255 })
        let jpeg = try ImageFile.load(path: fixture("rgb.jpg"))
        #expect(jpeg.pixels.shape == Shape(3, 8, 8))
        #expect(abs(jpeg.pixels[0, 4, 4] - 200 / 255) < 3 / 255 && abs(jpeg.pixels[2, 4, 4] - 50 / 255) < 3 / 255)
        let greyJPEG = try ImageFile.load(path: fixture("grey.jpg"))
        #expect(greyJPEG.pixels.shape == Shape(1, 8, 8) && abs(greyJPEG.pixels[0, 0, 0] - 90 / 255) < 2 / 255)
    }

    /// A CMYK JPEG as Photoshop (and Pillow) write it: inverted ink with an Adobe marker. Ink
    /// (0, 128, 191, 55) is RGB (200, 100, 50); it used to be refused as "corrupt or truncated".
    @Test func decodesCMYKJPEG() throws {
        let cmyk = try ImageFile.load(path: fixture("cmyk.jpg"))
        #expect(cmyk.pixels.shape == Shape(3, 8, 8) && cmyk.bitDepth == 8)
        let rgb = (0..<3).map { cmyk.pixels[$0, 4, 4] * 255 }
        #expect(zip(rgb, [200, 100, 50]).allSatisfy { abs($0 - $1) < 3 }, "\(rgb)")
        // Without the Adobe marker (APP14) the same stored values read as plain ink amounts:
        // stored (255, 127, 64, 200) → R = (255 − 255)(255 − 200)/255 = 0, G ≈ 27.6, B ≈ 41.2.
        var data = try Data(contentsOf: URL(fileURLWithPath: fixture("cmyk.jpg")))
        let bytes = [UInt8](data)
        let app14 = try #require((2..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xEE })
        data.removeSubrange(app14..<(app14 + 2 + Int(bytes[app14 + 2]) << 8 + Int(bytes[app14 + 3])))
        let plain = try JPEGFile.decode(data, path: "memory", maxSide: 100)
        let values = (0..<3).map { plain.pixels[$0, 4, 4] * 255 }
        #expect(zip(values, [0, 27.6, 41.2]).allSatisfy { abs($0 - $1) < 3 }, "\(values)")
    }

    @Test func badFilesGiveClearErrors() {
        #expect(throws: ImageFileError.fileMissing(path: "/nonexistent/a.png", role: "image")) { try ImageFile.load(path: "/nonexistent/a.png") }
        #expect(throws: ImageFileError.unsupportedImageFormat(path: fixture("not_an_image.png"))) { try ImageFile.load(path: fixture("not_an_image.png")) }
        for name in ["truncated.png", "truncated.jpg"] {
            do {
                _ = try ImageFile.load(path: fixture(name))
                Issue.record("\(name) decoded")
            } catch {
                #expect(error.description.hasPrefix("\(fixture(name)): corrupt or truncated"), "\(error)")
            }
        }
        #expect(throws: ImageFileError.imageTooLarge(path: fixture("huge_header.png"), width: 9000, height: 16, limit: 8192)) {
            try ImageFile.load(path: fixture("huge_header.png"))
        }
    }

    /// A chunk that declares more bytes than the file holds is refused before libpng reads it
    /// (libpng would allocate the declared 2 GB for an iTXt chunk first; found by Fuzz/FuzzPNG).
    @Test func chunkLongerThanTheFileIsRefusedUpFront() throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture("rgb8.png"))))
        bytes.insert(contentsOf: [0x7A, 0x00, 0x00, 0x00] + Array("iTXt".utf8) + Array("texstim".utf8), at: 33)  // after IHDR
        #expect(throws: ImageFileError.corruptImage(path: "a.png", format: "PNG", reason:
            "chunk iTXt at byte 33 declares 2046820352 data bytes, but only \(bytes.count - 41) bytes follow (with its CRC it needs 2046820356)")) {
            try ImageFile.decode(Data(bytes), path: "a.png")
        }
    }

    @Test(arguments: [(1, 8), (1, 16), (3, 8), (3, 16)])
    func roundTripsEveryWrittenKind(channels: Int, bitDepth: Int) throws {
        let maximum = Float((1 << bitDepth) - 1)
        let pixels = Tensor(Shape(channels, 4, 7), data: (0..<(channels * 28)).map { Float(($0 * 7919) % Int(maximum + 1)) / maximum })
        let data = try PNGFile.encode(pixels, bitDepth: bitDepth, text: "{\"k\": \"grüße\"}")
        let decoded = try PNGFile.decode(data, path: "memory", maxSide: 100)
        #expect(decoded.pixels == pixels && decoded.bitDepth == bitDepth)
        #expect(decoded.text == "{\"k\": \"grüße\"}")
        #expect(try PNGFile.encode(pixels, bitDepth: bitDepth, text: "{\"k\": \"grüße\"}") == data, "same input, same bytes")
        #expect(!data.contains(Data("tIME".utf8)))
    }

    /// A JSON document that cannot be encoded (here a NaN) throws and leaves the old file: the
    /// index used to be written as an empty file instead.
    @Test func unencodableJSONWritesNothing() throws {
        let path = (temporaryFolder() as NSString).appendingPathComponent("index.json")
        try ImageFile.writeJSON(["jobs": 2], to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(String(decoding: before, as: UTF8.self) == "{\n  \"jobs\" : 2\n}\n")
        #expect(throws: ImageFileError.self) { try ImageFile.writeJSON(["loss": Double.nan], to: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}
