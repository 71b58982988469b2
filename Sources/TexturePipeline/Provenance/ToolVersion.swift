// ToolVersion: the texstim version and the git commit it was built from, as provenance records them.

public enum ToolVersion {
    public static let current = "0.1.0"

    /// The commit this texstim was built from, recorded at build time by GitCommitPlugin (never
    /// read from a checkout at run time, which may be another one), with "-dirty" appended when
    /// the checkout had uncommitted changes (as `git describe --dirty` does); "unknown" for a
    /// build outside a git checkout.
    public static let gitCommit = BuildInfo.gitCommit + (BuildInfo.gitDirty ? "-dirty" : "")
}
