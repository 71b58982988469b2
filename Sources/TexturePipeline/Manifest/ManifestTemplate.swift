// ManifestTemplate: a commented, ready-to-run manifest for a folder of source images (`texstim init`).
//
// Every PNG and JPEG directly in the folder becomes a source with a clean id (and `grey: true` when
// the image is grey: one channel, or R = G = B exactly at every pixel); the defaults and
// conditions are the demo's (manifests/demo.yaml: the embedded model, 128², three conditions
// from fine to full), each key explained for a first-time user, optional keys commented out.
// Not for: checking the result; `ManifestReader` reads it like any other manifest.

import Foundation
import TextureImages

public enum ManifestTemplate {
    /// The file name extensions taken as images (compared case-insensitively).
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    /// Writes the manifest for the images in `folder` to `out` (never over an existing file) and
    /// returns the number of sources.
    /// - Throws: `.fileExists` when `out` exists; `.invalidArgument` when `folder` is not a folder
    ///   or holds no image; `.image` when `out` cannot be written.
    @discardableResult
    public static func write(folder: String, out: String) throws(PipelineError) -> Int {
        if FileManager.default.fileExists(atPath: out) {
            throw .fileExists(path: out, hint: "choose another --out path, or move the file away first")
        }
        let images = try imageFiles(in: folder)
        let text = render(
            folder: folder, images: images, manifestPath: out, greyImages: Set(images.filter(isExactlyGrey)))
        do { try ImageFile.writeAtomically(Data(text.utf8), to: out) } catch { throw .image(error) }
        return images.count
    }

    /// The PNG and JPEG files directly in `folder` (not below it), sorted by name ignoring case; hidden files skipped.
    public static func imageFiles(in folder: String) throws(PipelineError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .invalidArgument(
                name: folder, value: "not a folder",
                hint: "pass the folder that holds your source images (PNG or JPEG)")
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { name in
            !name.hasPrefix(".") && imageExtensions.contains((name as NSString).pathExtension.lowercased())
        }.sorted { ($0.lowercased(), $0) < ($1.lowercased(), $1) }
        guard !names.isEmpty else {
            throw .invalidArgument(
                name: folder, value: "no PNG or JPEG images",
                hint: "put the source textures (.png, .jpg, .jpeg) directly in this folder")
        }
        return names.map { (folder as NSString).appendingPathComponent($0) }
    }

    /// True when the image at `path` decodes (with TextureImages) to one channel, or to three with
    /// R = G = B exactly at every pixel: synthesising it in colour would only add a tint. False for
    /// a file that cannot be read or decoded: `init` lists it as before, and `plan` reports it.
    /// Exact, unlike the planner's warning (within one code value): a source with a little colour
    /// is not made grey without the user saying so.
    public static func isExactlyGrey(path: String) -> Bool {
        guard let pixels = try? ImageFile.load(path: path).pixels else { return false }
        let m = pixels.shape.positions
        guard pixels.shape.channels == 3 else { return pixels.shape.channels == 1 }
        let (red, green, blue) = (pixels.data[0..<m], pixels.data[m..<(2 * m)], pixels.data[(2 * m)...])
        return red.elementsEqual(green) && red.elementsEqual(blue)
    }

    /// A clean source id per file, in order: the file stem lowercased, a size suffix removed
    /// (`_256`, `-512px`, ` 1024`, `_256x256`; not `-01`, a number), every character other than a–z, 0–9 and '-' made '-', runs of
    /// '-' joined and trimmed, at most 80 characters (`texture` if nothing is left); an id met
    /// before gets `-2`, `-3`, … E.g. `Pebbles_256.PNG` → `pebbles`, `Maple Leaves-512px.jpg` →
    /// `maple-leaves`, `café.png` → `caf`.
    public static func sourceIDs(for files: [String]) -> [String] {
        var taken: Set<String> = []
        return files.map { file in
            let base = cleanID(((file as NSString).lastPathComponent as NSString).deletingPathExtension)
            var id = base, number = 1
            while taken.contains(id) {
                number += 1
                id = "\(base)-\(number)"
            }
            taken.insert(id)
            return id
        }
    }

    /// One stem as a clean id (see `sourceIDs`); also used for the set's name.
    public static func cleanID(_ stem: String) -> String {
        var text = stem.lowercased()
        let sizeSuffix = "[-_ .]([0-9]{3,5}|[0-9]+px|[0-9]+x[0-9]+)$"
        if let range = text.range(of: sizeSuffix, options: .regularExpression), range.lowerBound != text.startIndex {
            text.removeSubrange(range)
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789")
        var id = ""
        for character in text {
            if allowed.contains(character) {
                id.append(character)
            } else if !id.hasSuffix("-") && !id.isEmpty {
                id.append("-")
            }
        }
        while id.hasSuffix("-") { id.removeLast() }
        id = String(id.prefix(80))
        while id.hasSuffix("-") { id.removeLast() }
        return id.isEmpty ? "texture" : id
    }

    /// A string as a YAML double-quoted scalar (JSON's escapes, which YAML reads the same way).
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += String(format: "\\x%02X", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
