// RunEvent: what a set run reports while it works; the caller decides how (or whether) to show it.

/// Reported by `SetRunner.run` through `RunOptions.progress`. The library writes no progress
/// itself, so a GUI, a log file or the CLI's terminal renderer can each show a run their way.
public enum RunEvent: Sendable, Equatable {
    /// Before any job starts: the jobs to synthesise (not the ones skipped as current) and the workers.
    case setStarted(jobs: Int, workers: Int)
    case jobStarted(worker: Int, job: String)
    /// One L-BFGS-B iteration of `job` on `worker` (workers are numbered from 0).
    case iteration(worker: Int, job: String, iteration: Int, total: Int, loss: Double)
    /// `failure` is nil when the job wrote a converged stimulus, else why it failed.
    case jobFinished(worker: Int, job: String, failure: String?)
    /// After the last worker stopped (also after an interruption).
    case setFinished
}

/// The sink for `RunEvent`s. It is called from the worker threads, concurrently, so it must be
/// thread-safe, and it should return quickly: the worker waits for it.
public typealias RunProgressSink = @Sendable (RunEvent) -> Void
