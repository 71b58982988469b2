// YAMLDuplicateKeys: finds where a duplicate key stands (line, column, key path) after Yams refuses the file.
//
// Yams checks duplicates while composing and throws `duplicatedKeysInMapping` with the key's
// name and the mark of its *first* occurrence only, and without a tree to take a key path from.
// To name the duplicate itself, the first occurrence is renamed in the text to a placeholder of
// the same length (so every other mark stays put) and the text is composed again, until Yams
// accepts it; the tree then shows which mapping held each renamed key and where its twins are.

import Yams

enum YAMLDuplicateKeys {
    /// Rounds of rename-and-recompose before giving up (each round removes one duplicate group).
    static let maximumRounds = 50

    /// One issue per repeated key (every occurrence after the first), or nil when the duplicates
    /// cannot be placed (a key that is not a one-line scalar, or another error later in the file).
    static func issues(text: String, firstError: YamlError, file: String) -> [ManifestIssue]? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            Array(String($0).unicodeScalars)
        }
        var renamed: [Position: String] = [:]
        var error: YamlError? = firstError
        var root: Node?
        for round in 0..<maximumRounds {
            guard case .duplicatedKeysInMapping(let names, let context)? = error, let name = names.first,
                rename(&lines, at: context.mark, key: name, round: round)
            else { return nil }
            renamed[Position(context.mark)] = name
            do {
                root = try Yams.compose(
                    yaml: lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n"))
                error = nil
                break
            } catch let next as YamlError { error = next } catch { return nil }
        }
        guard error == nil, let root else { return nil }
        var found: [ManifestIssue] = []
        var seen: Set<Position> = []
        var budget = YAMLFields.nodeLimit
        collect(root, path: "", renamed: renamed, file: file, into: &found, seen: &seen, budget: &budget)
        return found.isEmpty ? nil : found.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    struct Position: Hashable {
        var line: Int
        var column: Int
        init(_ mark: Mark) { (line, column) = (mark.line, mark.column) }
    }

    /// Overwrites the key token at `mark` with a private-use character repeated: the same count
    /// of Unicode scalars, which libyaml's columns count, so no other mark moves. Each round uses
    /// its own character, so two renamed keys of one mapping never collide. A plain key must
    /// read as `key`; a quoted one runs to its closing quote (escapes make its text differ).
    static func rename(_ lines: inout [[Unicode.Scalar]], at mark: Mark, key: String, round: Int) -> Bool {
        let (row, start) = (mark.line - 1, mark.column - 1)
        guard row >= 0, row < lines.count, start >= 0, start < lines[row].count else { return false }
        let line = lines[row]
        let length: Int
        if line[start] == "\"" || line[start] == "'" {
            guard let close = closingQuote(line, from: start) else { return false }
            length = close - start + 1
        } else {
            let token = Array(key.unicodeScalars)
            guard !token.isEmpty, start + token.count <= line.count, Array(line[start..<start + token.count]) == token
            else { return false }
            length = token.count
        }
        lines[row].replaceSubrange(
            start..<start + length, with: Array(repeating: Unicode.Scalar(0xE000 + UInt32(round))!, count: length))
        return true
    }

    /// The index of the quote that closes the quoted scalar opening at `start`: in double quotes
    /// a backslash escapes the next character; in single quotes '' stands for one quote.
    static func closingQuote(_ line: [Unicode.Scalar], from start: Int) -> Int? {
        let quote = line[start]
        var index = start + 1
        while index < line.count {
            if quote == "\"" && line[index] == "\\" { index += 2; continue }
            if line[index] == quote {
                if quote == "'" && index + 1 < line.count && line[index + 1] == "'" { index += 2; continue }
                return index
            }
            index += 1
        }
        return nil
    }

    /// Walks the tree; in each mapping that holds a renamed key, reports that key's later
    /// occurrences. Aliases repeat subtrees, so the walk stops after `YAMLFields.nodeLimit` nodes.
    static func collect(
        _ node: Node, path: String, renamed: [Position: String], file: String,
        into found: inout [ManifestIssue], seen: inout Set<Position>, budget: inout Int
    ) {
        budget -= 1
        guard budget > 0 else { return }
        switch node {
        case .mapping(let mapping):
            // The key each entry had in the file: a renamed key reads as its original name.
            let renamedHere = mapping.compactMap { key, _ in key.mark.flatMap { renamed[Position($0)] } }
            let keys = mapping.map { key, _ in key.mark.flatMap { renamed[Position($0)] } ?? key.string ?? "" }
            var first: [String: Node] = [:]
            for ((key, value), name) in zip(mapping, keys) {
                let keyPath = path.isEmpty ? name : "\(path).\(name)"
                if let original = first[name], renamedHere.contains(name), let mark = key.mark,
                    seen.insert(Position(mark)).inserted
                {
                    found.append(
                        ManifestIssue(
                            file: file, line: mark.line, column: mark.column, keyPath: keyPath,
                            message: "duplicate key '\(name)' (first at line \(original.mark?.line ?? 0))",
                            hint: "each key may appear once per mapping; remove or merge the repeats"))
                }
                first[name] = first[name] ?? key
                collect(value, path: keyPath, renamed: renamed, file: file, into: &found, seen: &seen, budget: &budget)
            }
        case .sequence(let sequence):
            for (index, item) in sequence.enumerated() {
                collect(
                    item, path: "\(path)[\(index)]", renamed: renamed, file: file, into: &found, seen: &seen,
                    budget: &budget)
            }
        case .scalar, .alias: break
        }
    }
}
