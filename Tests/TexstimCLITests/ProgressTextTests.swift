// ProgressTextTests: the progress display's pure parts: lines cut to the terminal width, the ETA
// (a dash until a job has finished), the width's fallbacks, and the run renderer's plain lines.

import Foundation
import Testing
@testable import texstim

@Suite struct ProgressTextTests {
    @Test func linesAreCutToTheWidth() {
        #expect(ProgressText.cut("short", to: 60) == "short")
        #expect(ProgressText.cut("exactly", to: 7) == "exactly")
        #expect(ProgressText.cut("one too long", to: 11) == "one too lo…")
        #expect(ProgressText.cut("anything", to: 1) == "…")
        #expect(ProgressText.cut("anything", to: 0) == "")
        let long = String(repeating: "x", count: 200)
        for width in [20, 59, 60, 80, 132] { #expect(ProgressText.cut(long, to: width).count == width) }
    }

    @Test func etaIsADashUntilAJobHasFinished() {
        #expect(ProgressText.eta(finishedSeconds: [], remaining: 10, workers: 4) == "ETA –")
        // Mean 10 s a job, 8 left on 4 workers: 20 s.
        #expect(ProgressText.eta(finishedSeconds: [8, 12], remaining: 8, workers: 4) == "ETA 20 s")
        // Fewer jobs left than workers: the last job still takes a whole job's time.
        #expect(ProgressText.eta(finishedSeconds: [30], remaining: 1, workers: 4) == "ETA 30 s")
        #expect(ProgressText.eta(finishedSeconds: [30], remaining: 0, workers: 4) == "ETA 0 s")
        #expect(ProgressText.eta(finishedSeconds: [100], remaining: 37, workers: 1) == "ETA 1 h 01 min")
    }

    @Test func durationsReadAtTheirScale() {
        #expect(ProgressText.duration(0.4) == "0 s")
        #expect(ProgressText.duration(59.4) == "59 s")
        #expect(ProgressText.duration(185) == "3 min 05 s")
        #expect(ProgressText.duration(7620) == "2 h 07 min")
        #expect(ProgressText.duration(-3) == "0 s")
    }

    @Test func widthFallsBackToColumnsThen80() {
        #expect(ProgressText.columns(windowColumns: 60, environment: "120") == 60)
        #expect(ProgressText.columns(windowColumns: 0, environment: "120") == 120)
        #expect(ProgressText.columns(windowColumns: nil, environment: " 100 ") == 100)
        #expect(ProgressText.columns(windowColumns: nil, environment: "wide") == 80)
        #expect(ProgressText.columns(windowColumns: nil, environment: nil) == 80)
        // A pipe has no window size.
        let pipe = Pipe()
        #expect(ProgressText.windowColumns(pipe.fileHandleForWriting.fileDescriptor) == nil)
    }

    @Test func barAndWorkerLinesFitTheWidth() {
        let workers = ["120/400 loss 1.234e+03  pebbles__both__s01", "idle", "1/12 loss 5  " + String(repeating: "j", count: 90)]
        for width in [30, 59, 79, 131] {
            let lines = RunProgressRenderer.lines(width: width, jobs: 8, finished: 3, failed: 1, workers: workers, eta: "ETA –")
            #expect(lines.count == 4)
            #expect(lines.allSatisfy { $0.count <= width }, "\(lines)")
        }
        let wide = RunProgressRenderer.lines(width: 200, jobs: 8, finished: 4, failed: 1, workers: ["idle"], eta: "ETA 20 s")
        #expect(wide == ["[###############...............] 4/8 done, 1 failed, ETA 20 s", "  worker 1: idle"])
    }

    /// Off a terminal the renderer writes today's lines, one per finished job, and nothing else.
    @Test func plainLinesOffATerminal() {
        let output = Output()
        let renderer = RunProgressRenderer(isTerminal: false, write: output.append)
        let sink = renderer.sink
        sink(.setStarted(jobs: 2, workers: 2))
        sink(.jobStarted(worker: 0, job: "a"))
        sink(.jobStarted(worker: 1, job: "b"))
        sink(.iteration(worker: 0, job: "a", iteration: 1, total: 12, loss: 3))
        sink(.jobFinished(worker: 1, job: "b", failure: "did not converge"))
        sink(.jobFinished(worker: 0, job: "a", failure: nil))
        sink(.setFinished)
        #expect(output.text == "[1/2] b FAILED: did not converge\n[2/2] a done\n")
    }
}

final class Output: @unchecked Sendable {
    private(set) var text = ""
    func append(_ more: String) { text += more }
}

@Suite struct TerminalRenderingTests {
    /// On a 60-column terminal every redrawn line fits in 59 columns (none wraps into a stale
    /// row), each redraw first moves up over exactly the lines drawn before, and the ETA is a
    /// dash until the first job has finished.
    @Test func redrawsFitSixtyColumns() throws {
        let output = Output()
        let sink = RunProgressRenderer(isTerminal: true, write: output.append, columns: { 60 }).sink
        sink(.setStarted(jobs: 3, workers: 2))
        sink(.jobStarted(worker: 0, job: String(repeating: "long_job_name_", count: 6)))
        sink(.jobStarted(worker: 1, job: "b"))
        sink(.jobFinished(worker: 1, job: "b", failure: nil))
        sink(.setFinished)
        let plain = output.text.replacing(/\x{1B}\[\d*[FJ]/, with: "\n")
        let drawn = plain.split(separator: "\n").map(String.init).filter { $0.contains("worker") || $0.contains(" done, ") }
        #expect(!drawn.isEmpty)
        #expect(drawn.allSatisfy { $0.count <= 59 }, "\(drawn)")
        #expect(output.text.contains("[1/3] b done\n"))
        let beforeFinish = try #require(output.text.components(separatedBy: "[1/3] b done").first)
        #expect(beforeFinish.contains("ETA –") && !beforeFinish.contains("ETA 0 s"))
        #expect(output.text.hasSuffix("\u{1B}[3F\u{1B}[J"), "the bar and both worker lines are erased at the end")
    }
}
