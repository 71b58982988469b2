// Parallel: a fixed split of independent work items over threads (deterministic results).
import Dispatch

/// A raw pointer that may cross into `concurrentPerform`; callers guarantee that the
/// chunks they hand to different threads never write the same elements.
public struct SharedPointer<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

/// Runs `body(range)` over `count` items split into at most `threads` contiguous chunks.
/// Each item is processed by exactly one chunk, so results do not depend on the thread count
/// as long as items are independent.
public func parallelChunks(count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    let chunks = max(1, min(threads, count))
    if chunks == 1 {
        body(0..<count)
        return
    }
    withoutActuallyEscaping(body) { body in
        let work = UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = count * chunk / chunks
            let end = count * (chunk + 1) / chunks
            work.value(start..<end)
        }
    }
}

private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Runs `body(range)` over `count` elements in blocks of at least `grain`, for memory-bound
/// elementwise loops over large tensors.
public func parallelElements(count: Int, threads: Int, grain: Int = 1 << 16, _ body: (Range<Int>) -> Void) {
    let chunks = max(1, min(threads, count / grain))
    parallelChunks(count: chunks, threads: chunks) { blocks in
        for block in blocks { body((count * block / chunks)..<(count * (block + 1) / chunks)) }
    }
}
