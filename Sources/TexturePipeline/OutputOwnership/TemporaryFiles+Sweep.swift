// TemporaryFiles+Sweep: remove the temporary files that a texstim run which died left in a set.
//
// Only this host's files with a dead pid are removed (see TemporaryFiles for why the host).

import Foundation
import TextureImages

extension TemporaryFiles {
    /// Removes, below `folder` (never following a symbolic link), the temporary files of texstim
    /// processes on this host that no longer run. Returns the paths removed.
    @discardableResult
    public static func sweep(in folder: String) -> [String] {
        var removed: [String] = []
        for path in SetFolder.walk(folder) {
            guard let owner = owner(of: (path as NSString).lastPathComponent), owner.host == host,
                  kill(owner.pid, 0) != 0 && errno == ESRCH else { continue }
            let full = (folder as NSString).appendingPathComponent(path)
            if unlink(full) == 0 { removed.append(full) }
        }
        return removed
    }
}
