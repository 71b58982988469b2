// ManifestError: every problem found in a manifest, each with file:line:column, key path and hint.

/// One problem: `manifests/a.yaml:12:5: conditions[2].size: expected …, got -3. Hint: …`
public struct ManifestIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var keyPath: String
    public var message: String
    public var hint: String?

    public var description: String {
        let location = line > 0 ? "\(file):\(line):\(column)" : file
        let key = keyPath.isEmpty ? "" : "\(keyPath): "
        return "\(location): \(key)\(message)" + (hint.map { ". Hint: \($0)" } ?? "")
    }
}

/// All the problems of one manifest, reported together.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var issues: [ManifestIssue]

    public var description: String {
        "manifest has \(issues.count) problem\(issues.count == 1 ? "" : "s"):\n"
            + issues.map { "  " + $0.description }.joined(separator: "\n")
    }
}
