// RunEventTests: SetRunner.run reports its progress as RunEvents to the sink it is given, from
// the worker threads: one start and one finish per job, between the set's start and end.

import Foundation
import Testing
import TexturePipeline

/// Collects events from concurrent workers.
final class EventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [RunEvent] = []
    var events: [RunEvent] { lock.withLock { recorded } }
    var sink: RunProgressSink { { [self] event in lock.withLock { recorded.append(event) } } }
}

@Suite struct RunEventTests {
    @Test func runReportsEveryJobToTheSink() throws {
        let folder = temporaryFolder()
        let manifest = try smallManifest(in: folder)
        let recorder = EventRecorder()
        var options = RunOptions()
        options.workers = 2
        options.progress = recorder.sink
        let summary = try SetRunner.run(plan: SetPlanner.plan(manifestPath: manifest, outputOverride: folder + "/set"), options: options)
        let events = recorder.events
        #expect(events.first == .setStarted(jobs: 8, workers: 2))
        #expect(events.last == .setFinished)
        var started = 0, finished = 0, iterations = 0, failures = 0
        for event in events {
            switch event {
            case .jobStarted: started += 1
            case let .jobFinished(worker, _, failure):
                finished += 1
                if failure != nil { failures += 1 }
                #expect(worker == 0 || worker == 1)
            case let .iteration(worker, _, iteration, total, loss):
                iterations += 1
                #expect((worker == 0 || worker == 1) && iteration >= 1 && iteration <= total && total == 12 && loss.isFinite)
            default: break
            }
        }
        #expect(started == 8 && finished == 8 && finished == summary.done + summary.failed.count)
        #expect(failures == summary.failed.count)
        #expect(iterations >= 8, "each job reports its iterations")

        // A rerun finds every stimulus current: the set starts with no jobs and finishes none.
        let rerun = EventRecorder()
        options.progress = rerun.sink
        _ = try SetRunner.run(plan: SetPlanner.plan(manifestPath: manifest, outputOverride: folder + "/set"), options: options)
        #expect(rerun.events == [.setStarted(jobs: 0, workers: 1), .setFinished])
    }
}
