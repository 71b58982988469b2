// RunLock: flock(2)-based locks so two runs cannot write one set (released even on SIGKILL).
//
// An unsharded run holds <set>/.texstim.lock exclusively. A shard i/N holds it shared plus
// <set>/.texstim.shard-i-of-N.lock exclusively, so shards of one set run side by side while a
// whole-set run, or a second copy of the same shard, is refused.

import Foundation
import TextureImages

public final class RunLock {
    private var descriptors: [Int32] = []

    public init(folder: String, shard: Shard?) throws(PipelineError) {
        let setLock = (folder as NSString).appendingPathComponent(".texstim.lock")
        try take(setLock, exclusive: shard == nil)
        if let shard {
            try take(
                (folder as NSString).appendingPathComponent(".texstim.shard-\(shard.index)-of-\(shard.count).lock"),
                exclusive: true)
        }
    }

    private func take(_ path: String, exclusive: Bool) throws(PipelineError) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .image(.outputNotWritable(path: path, reason: String(cString: strerror(errno))))
        }
        guard flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            close(descriptor)
            release()
            throw .runLocked(path: path)
        }
        descriptors.append(descriptor)
    }

    public func release() {
        for descriptor in descriptors { flock(descriptor, LOCK_UN); close(descriptor) }
        descriptors = []
    }

    deinit { release() }
}
