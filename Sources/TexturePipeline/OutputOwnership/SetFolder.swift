// SetFolder: the output root of a set, which texstim writes only if it is its own, never through a link.
//
// texstim's files in a set are the stimuli (PNG + sidecar), index.csv/json, stimuli.tsv/json, validation.html/json,
// contact_sheet.png, the locks, slurm/ and the marker `.texstim-set` (naming the set), written when texstim takes a
// folder. An existing non-empty folder without the marker is taken only when everything in it is
// texstim's (a set written before the marker existed); else it is refused, naming what is not.
// Below the root every folder is checked with lstat and created one level at a time, so a
// symbolic link at `<set>/<source>` cannot send the stimuli elsewhere.

import Foundation
import TextureImages

public struct SetFolder: Sendable {
    public static let markerName = ".texstim-set"
    static let setFiles: Set<String> = [
        "index.csv", "index.json", "stimuli.tsv", "stimuli.json", "validation.html",
        "validation.json", "contact_sheet.png",
    ]

    public let root: String
    public let setName: String

    public init(_ root: String, setName: String) {
        self.root = root
        self.setName = setName
    }

    var markerPath: String { (root as NSString).appendingPathComponent(Self.markerName) }

    /// Creates the root if needed and makes sure it is texstim's folder for this set (refusing a
    /// folder that holds other files, or another set). Writes the marker.
    public func claim() throws(PipelineError) {
        do { try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true) } catch {
            throw .image(.outputNotWritable(path: root, reason: error.localizedDescription))
        }
        try checkOwnership()
        let marker = "texstim-set: \(setName)\n"
        if (try? String(contentsOfFile: markerPath, encoding: .utf8)) != marker {
            do { try ImageFile.writeAtomically(Data(marker.utf8), to: markerPath) } catch { throw .image(error) }
        }
    }

    /// Throws when the root is another set's, or holds files texstim did not write (without the marker).
    public func checkOwnership() throws(PipelineError) {
        var status = stat()
        if lstat(markerPath, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFREG,
                let text = try? String(contentsOfFile: markerPath, encoding: .utf8),
                text.hasPrefix("texstim-set: ")
            else {
                throw .foreignFiles(folder: root, files: [Self.markerName + " (not texstim's marker)"], more: false)
            }
            let owner = String(text.dropFirst("texstim-set: ".count)).trimmingCharacters(in: .whitespacesAndNewlines)
            if owner != setName { throw .otherSet(folder: root, owner: owner, set: setName) }
            return
        }
        let foreign = foreignFiles(limit: 6)
        if !foreign.isEmpty {
            throw .foreignFiles(folder: root, files: Array(foreign.prefix(5)), more: foreign.count > 5)
        }
    }

    /// Up to `limit` files below an unmarked root that texstim would not have written.
    func foreignFiles(limit: Int) -> [String] {
        let indexNamesThisSet: Bool = {
            guard
                let data = FileManager.default.contents(
                    atPath: (root as NSString).appendingPathComponent("index.json")),
                let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return false }
            return document["set"] as? String == setName
        }()
        var foreign: [String] = []
        _ = Self.walk(root) { path in
            if !Self.isTexstimFile(path, indexNamesThisSet: indexNamesThisSet) { foreign.append(path) }
            return foreign.count >= limit
        }
        return foreign
    }

    /// Whether a path (relative to the root) has the name of one of texstim's files.
    static func isTexstimFile(_ path: String, indexNamesThisSet: Bool) -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        let name = parts.last ?? ""
        if TemporaryFiles.owner(of: name) != nil { return true }
        switch parts.count {
        case 1:
            if name == markerName || name == ".texstim.lock" { return true }
            if name.hasPrefix(".texstim.shard-") && name.hasSuffix(".lock") { return true }
            return setFiles.contains(name) && indexNamesThisSet
        case 2:
            return parts[0] == "slurm"
                && (["texstim.sbatch", "finish.sbatch", "finish.log"].contains(name)
                    || (name.hasPrefix("task-") && name.hasSuffix(".log")))
        case 3:
            let stem = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
            guard ext == "png" || ext == "json", stem.hasPrefix("\(parts[0])__\(parts[1])__s") else { return false }
            let number = stem.dropFirst("\(parts[0])__\(parts[1])__s".count)
            return !number.isEmpty && number.allSatisfy(\.isNumber)
        default:
            return false
        }
    }

    /// Creates `relative` (a folder path below the root) one component at a time, refusing a
    /// component that is a symbolic link or not a folder.
    public func createFolder(_ relative: String) throws(PipelineError) {
        var current = root
        for component in relative.split(separator: "/") where component != "." {
            current = (current as NSString).appendingPathComponent(String(component))
            var status = stat()
            if lstat(current, &status) != 0 {
                if mkdir(current, 0o755) != 0 && errno != EEXIST {
                    throw .image(.outputNotWritable(path: current, reason: String(cString: strerror(errno))))
                }
                guard lstat(current, &status) == 0 else {
                    throw .image(.outputNotWritable(path: current, reason: String(cString: strerror(errno))))
                }
            }
            try Self.checkFolder(current, status: status, root: root)
        }
    }

    /// Checks, without creating anything, that no existing component of `relative` is a link.
    public func checkNoLinks(_ relative: String) throws(PipelineError) {
        var current = root
        for component in relative.split(separator: "/") where component != "." {
            current = (current as NSString).appendingPathComponent(String(component))
            var status = stat()
            guard lstat(current, &status) == 0 else { return }
            try Self.checkFolder(current, status: status, root: root)
        }
    }

    static func checkFolder(_ path: String, status: stat, root: String) throws(PipelineError) {
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return
        case S_IFLNK:
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
            throw .symbolicLink(path: path, target: target, root: root)
        default: throw .image(.outputNotWritable(path: path, reason: "it exists and is not a folder"))
        }
    }

    /// The non-folder entries below `folder` (relative paths, breadth first), never entering a
    /// symbolic link; a link is listed as an entry. Stops early when `stopWhen` says so.
    static func walk(_ folder: String, stopWhen: (String) -> Bool = { _ in false }) -> [String] {
        var found: [String] = []
        var queue = [""]
        while !queue.isEmpty {
            let relative = queue.removeFirst()
            let full = relative.isEmpty ? folder : (folder as NSString).appendingPathComponent(relative)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: full) else { continue }
            for name in names.sorted() {
                let path = relative.isEmpty ? name : relative + "/" + name
                var status = stat()
                guard lstat((folder as NSString).appendingPathComponent(path), &status) == 0 else { continue }
                if (status.st_mode & S_IFMT) == S_IFDIR {
                    queue.append(path)
                } else {
                    found.append(path)
                    if stopWhen(path) { return found }
                }
            }
        }
        return found
    }
}
