// ToolVersionTests: the commit in provenance is the one the build was made from (GitCommitPlugin).

import Foundation
import Testing
import TexturePipeline

@Suite struct ToolVersionTests {
    @Test func gitCommitIsTheBuiltCheckoutsHead() throws {
        let commit = ToolVersion.gitCommit
        let hex = commit.hasSuffix("-dirty") ? String(commit.dropLast(6)) : commit
        // Tests/TexturePipelineTests/<this file> → the repository root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", root.path, "rev-parse", "HEAD"]
        let pipe = Pipe()
        git.standardOutput = pipe
        git.standardError = FileHandle.nullDevice
        try git.run()
        git.waitUntilExit()
        let head = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard git.terminationStatus == 0 else {
            #expect(commit == "unknown")  // built outside a checkout, or without git
            return
        }
        #expect(hex == head, "recorded \(commit), HEAD is \(head)")
    }
}
