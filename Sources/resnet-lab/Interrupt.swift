import Dispatch
import Foundation

/// Ctrl-C (SIGINT) and SIGTERM during `resnet-lab train` or `ablate`. The first one asks the
/// run to stop after the step in progress and exit (status 130 for SIGINT, 143 for SIGTERM,
/// as shells report them): `train` writes a checkpoint there, so nothing is lost and
/// `--resume` continues from that very step; `ablate` drops the nets in progress (one per lane,
/// side by side) and keeps every finished one. SIGTERM is what `timeout`, `kill`, `docker stop` and batch schedulers
/// send, so it gets the same care as Ctrl-C.
///
/// A second signal quits at once, keeping what was written, but only once the run has seen
/// the first (`wasRequested` returned true) and at least `window` after the first was
/// handled: signals that arrive together, as `timeout -s INT` or a terminal can send them,
/// count as one, even when a busy machine delays their handling past the run's next check.
final class Interrupt: @unchecked Sendable {
    // @unchecked: the state is only touched under `lock`.
    private let lock = NSLock()
    /// The first signal, once one has arrived.
    private var received: Int32?
    /// Whether the run has seen the request.
    private var acknowledged = false
    /// When the first signal was handled.
    private var firstHandled: ContinuousClock.Instant?
    /// Signals handled within this time of the first count as the same request: long
    /// enough for a loaded machine's scheduling, short against a person pressing Ctrl-C again.
    static let window = Duration.milliseconds(300)
    private var sources: [DispatchSourceSignal] = []
    /// What the run does on the first signal, printed after "interrupted: " or
    /// "terminated (SIGTERM): ".
    private var action = ""

    /// Whether a stop was asked for. Reading true acknowledges it: from then on a second
    /// signal quits at once.
    var wasRequested: Bool {
        lock.withLock {
            if received != nil { acknowledged = true }
            return received != nil
        }
    }

    /// The exit status for the signal that stopped the run: 130 (SIGINT) or 143 (SIGTERM).
    var exitStatus: Int32 { 128 + (lock.withLock { received } ?? SIGINT) }

    /// Takes over SIGINT and SIGTERM for the rest of the program; the first one prints which
    /// signal came and `action`.
    static func install(
        action: String =
            "finishing this step and writing a checkpoint (Ctrl-C again to quit at once)"
    ) -> Interrupt {
        let interrupt = Interrupt()
        interrupt.action = action
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)  // delivered to the dispatch source instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { interrupt.handle(number) }
            source.resume()
            interrupt.sources.append(source)
        }
        return interrupt
    }

    private func handle(_ number: Int32) {
        let now = ContinuousClock.now
        let (first, quit) = lock.withLock { () -> (Bool, Bool) in
            defer {
                if received == nil {
                    received = number
                    firstHandled = now
                }
            }
            let settled = firstHandled.map { now - $0 >= Self.window } ?? false
            return (received == nil, received != nil && acknowledged && settled)
        }
        if quit {
            FileHandle.standardError.write(
                Data("\ninterrupted again: quitting now; the last checkpoint written stays\n".utf8))
            exit(128 + number)
        }
        if first {
            let name = number == SIGTERM ? "terminated (SIGTERM)" : "interrupted"
            FileHandle.standardError.write(Data("\n\(name): \(action)\n".utf8))
        }
    }
}
