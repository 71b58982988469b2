// Interruption: Ctrl-C (SIGINT) and SIGTERM set a flag that running syntheses poll between iterations.

import Foundation

public enum Interruption {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    /// Installs the handlers; the first signal asks for a clean stop, a second one kills at once.
    public static func install() {
        let handler: @convention(c) (Int32) -> Void = { signal in
            if Interruption.flag != 0 { _exit(130) }
            Interruption.flag = 1
            _ = signal
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // A parent may have started us with these signals blocked (posix_spawn inherits the mask).
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &signals, nil)
    }

    public static var requested: Bool { flag != 0 }
}
