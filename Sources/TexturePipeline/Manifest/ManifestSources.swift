// ManifestSources: the `sources` list: {id, path} entries and {glob} patterns, relative to the manifest;
// a glob match's id is its file stem, under the same safe-name rule as an explicit id. Either may
// say `grey: true|false`, which wins over the defaults' and the conditions' `grey` for its files.

import Foundation
import Yams

enum ManifestSources {
    static func parse(_ node: Node, folder: String, fields: inout YAMLFields) -> [ManifestSource] {
        guard let items = fields.sequence(node, "sources") else { return [] }
        if items.isEmpty {
            fields.report(node, "sources", "the list is empty", hint: "add at least one {id, path} or {glob}")
        }
        var sources: [ManifestSource] = []
        for (index, item) in items.enumerated() {
            let path = "sources[\(index)]"
            guard let entries = fields.mapping(item, path, allowed: ["id", "path", "glob", "grey"]) else { continue }
            let grey = entries["grey"].flatMap { fields.boolean($0, "\(path).grey") }
            if let globNode = entries["glob"] {
                sources += globbed(globNode, item, entries, path, grey: grey, folder: folder, &fields)
            } else if let source = listed(item, entries, path, grey: grey, folder: folder, &fields) {
                sources.append(source)
            }
        }
        reportDuplicates(sources, &fields)
        return sources
    }

    /// A `{glob}` entry's sources: one per matching file (sorted), its id the file stem; a stem that
    /// is not a safe name, or a pattern that matches nothing, is reported.
    static func globbed(
        _ globNode: Node, _ item: Node, _ entries: [String: Node], _ path: String, grey: Bool?, folder: String,
        _ fields: inout YAMLFields
    ) -> [ManifestSource] {
        let mark = fields.mark(item)
        if entries["id"] != nil || entries["path"] != nil {
            fields.report(item, path, "give either {id, path} or {glob}, not both")
        }
        guard let pattern = fields.string(globNode, "\(path).glob") else { return [] }
        let matches = expand(pattern, folder: folder)
        if matches.isEmpty {
            fields.report(
                globNode, "\(path).glob", "'\(pattern)' matches no file",
                hint: "patterns are relative to the manifest's folder")
        }
        var sources: [ManifestSource] = []
        for match in matches {
            let stem = ((match as NSString).lastPathComponent as NSString).deletingPathExtension
            let relative = String(match.dropFirst(folder.isEmpty ? 0 : folder.count + 1))
            // The stem is the id as it stands: rewriting it (e.g. 'café' → 'caf-') would give
            // ids the user never wrote and that two files could share.
            guard ManifestReader.isSafeName(stem) else {
                fields.report(
                    globNode, "\(path).glob",
                    "'\(relative)' gives the source id '\(stem)', which is not a safe file name",
                    hint: "ids are 1–80 ASCII letters, digits, '-', '_' or '.', no leading '.', and no '__'; "
                        + "rename the file or list it as {id: <safe id>, path: \(relative)}")
                continue
            }
            sources.append(
                ManifestSource(id: stem, path: relative, resolvedPath: match, mark: mark, keyPath: path, grey: grey))
        }
        return sources
    }

    /// An `{id, path}` entry's source, its path resolved against the manifest's folder; nil
    /// (reported) when a key is missing or not a string.
    static func listed(
        _ item: Node, _ entries: [String: Node], _ path: String, grey: Bool?, folder: String,
        _ fields: inout YAMLFields
    ) -> ManifestSource? {
        for key in ["id", "path"] where entries[key] == nil {
            fields.report(item, "\(path).\(key)", "required key is missing")
        }
        guard let idNode = entries["id"], let id = fields.string(idNode, "\(path).id"),
            let pathNode = entries["path"], let file = fields.string(pathNode, "\(path).path")
        else { return nil }
        ManifestReader.checkSafeName(id, idNode, "\(path).id", &fields)
        let resolved =
            file.hasPrefix("/") || folder.isEmpty ? file : (folder as NSString).appendingPathComponent(file)
        return ManifestSource(
            id: id, path: file, resolvedPath: resolved, mark: fields.mark(item), keyPath: path, grey: grey)
    }

    /// Each source whose id an earlier one has, reported at the later one.
    static func reportDuplicates(_ sources: [ManifestSource], _ fields: inout YAMLFields) {
        var seen: [String: ManifestSource] = [:]
        for source in sources {
            if let first = seen[source.id] {
                fields.issues.append(
                    ManifestIssue(
                        file: fields.file, line: source.mark.line, column: source.mark.column,
                        keyPath: "\(source.keyPath).id",
                        message: "duplicate source id '\(source.id)' (first at line \(first.mark.line))",
                        hint: "source ids must be unique"))
            }
            seen[source.id] = seen[source.id] ?? source
        }
    }

    /// Files matching a glob pattern (relative to `folder`), sorted for a stable job order.
    static func expand(_ pattern: String, folder: String) -> [String] {
        let full =
            pattern.hasPrefix("/") || folder.isEmpty ? pattern : (folder as NSString).appendingPathComponent(pattern)
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(full, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }
}
