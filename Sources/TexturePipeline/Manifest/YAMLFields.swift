// YAMLFields: strict, typed reads from a Yams node tree that collect every problem with its mark.

import Foundation
import Yams

/// Reads values out of YAML nodes; each bad value becomes a ManifestIssue and reads as nil,
/// so one pass reports every problem of a file.
struct YAMLFields {
    /// More nodes than this (e.g. alias bombs that expand exponentially) end the read.
    static let nodeLimit = 100_000

    let file: String
    var issues: [ManifestIssue] = []
    var nodesVisited = 0

    init(file: String) { self.file = file }

    mutating func report(_ node: Node?, _ path: String, _ message: String, hint: String? = nil) {
        let mark = node?.mark
        issues.append(
            ManifestIssue(
                file: file, line: mark?.line ?? 0, column: mark?.column ?? 0,
                keyPath: path, message: message, hint: hint))
    }

    /// A problem found after parsing, at a mark kept from its node.
    mutating func report(at mark: ManifestMark, _ path: String, _ message: String, hint: String? = nil) {
        issues.append(
            ManifestIssue(file: file, line: mark.line, column: mark.column, keyPath: path, message: message, hint: hint))
    }

    func mark(_ node: Node) -> ManifestMark {
        ManifestMark(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
    }

    func location(_ node: Node) -> String {
        node.mark.map { "\(file):\($0.line):\($0.column)" } ?? file
    }

    /// Counts nodes below `node`; false (with an issue) when the tree is too large.
    mutating func withinLimit(_ node: Node) -> Bool {
        var stack = [node]
        while let next = stack.popLast() {
            nodesVisited += 1
            if nodesVisited > Self.nodeLimit {
                report(
                    node, "", "the document expands to more than \(Self.nodeLimit) nodes",
                    hint: "remove YAML aliases that repeat large blocks")
                return false
            }
            switch next {
            case .mapping(let mapping): for (key, value) in mapping { stack.append(key); stack.append(value) }
            case .sequence(let sequence): stack.append(contentsOf: sequence)
            case .scalar, .alias: break
            }
        }
        return true
    }

    /// The mapping's entries by key; unknown keys and non-string keys are reported.
    mutating func mapping(_ node: Node, _ path: String, allowed: [String]) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            report(node, path, "expected a mapping (key: value lines), got \(kind(node))")
            return nil
        }
        var entries: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { report(key, path, "keys must be strings"); continue }
            let keyPath = path.isEmpty ? name : "\(path).\(name)"
            guard allowed.contains(name) else {
                let suggestion = closest(name, in: allowed).map { "did you mean '\($0)'? " } ?? ""
                report(
                    key, keyPath, "unknown key '\(name)'",
                    hint: "\(suggestion)allowed keys: \(allowed.joined(separator: ", "))")
                continue
            }
            entries[name] = value
        }
        return entries
    }

    mutating func sequence(_ node: Node, _ path: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            report(node, path, "expected a list, got \(kind(node))")
            return nil
        }
        return Array(sequence)
    }

    mutating func string(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let scalar) = node, node.tag != Tag(.null) else {
            report(node, path, "expected a string, got \(kind(node))")
            return nil
        }
        return scalar.string
    }

    mutating func integer(
        _ node: Node, _ path: String, minimum: Int, maximum: Int = Int.max, hint: String? = nil
    ) -> Int? {
        guard case .scalar = node, let value = node.int else {
            report(node, path, "expected an integer, got \(describe(node))", hint: hint)
            return nil
        }
        guard value >= minimum && value <= maximum else {
            let range = maximum == Int.max ? "at least \(minimum)" : "from \(minimum) to \(maximum)"
            report(node, path, "expected an integer \(range), got \(value)", hint: hint)
            return nil
        }
        return value
    }

    mutating func unsigned(_ node: Node, _ path: String) -> UInt64? {
        guard case .scalar(let scalar) = node, let value = UInt64(scalar.string) else {
            report(node, path, "expected a non-negative integer seed, got \(describe(node))")
            return nil
        }
        return value
    }

    mutating func number(_ node: Node, _ path: String) -> Double? {
        guard case .scalar = node, let value = node.float, value.isFinite, value >= 0 else {
            report(node, path, "expected a non-negative number, got \(describe(node))")
            return nil
        }
        return value
    }

    mutating func boolean(_ node: Node, _ path: String) -> Bool? {
        guard case .scalar = node, let value = node.bool else {
            report(node, path, "expected true or false, got \(describe(node))")
            return nil
        }
        return value
    }

    mutating func strings(_ node: Node, _ path: String) -> [String]? {
        guard let items = sequence(node, path) else { return nil }
        let values = items.enumerated().compactMap { string($1, "\(path)[\($0)]") }
        return values.count == items.count ? values : nil
    }

    func kind(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar): return node.tag == Tag(.null) ? "nothing" : "'\(scalar.string)'"
        }
    }

    func describe(_ node: Node) -> String { kind(node) }

    /// The allowed key within edit distance 2 of a misspelt one, if any.
    func closest(_ name: String, in allowed: [String]) -> String? {
        allowed.map { ($0, editDistance(name, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    func editDistance(_ a: String, _ b: String) -> Int {
        let (a, b) = (Array(a), Array(b))
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
