// Shard: one of N parts of a set's jobs, so that N runs (e.g. a Slurm array) share one set.

/// `--shard I/N`: this run does the jobs whose index in the set's job order is ≡ I (mod N).
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses "I/N" with 0 ≤ I < N.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              count >= 1, index >= 0, index < count else { return nil }
        self.init(index: index, count: count)
    }

    public func contains(jobIndex: Int) -> Bool { jobIndex % count == index }
    public var description: String { "\(index)/\(count)" }
}
