import Dispatch
import Foundation

/// Ctrl-C during `resnet-lab train` or `ablate`. The first one asks the run to stop after
/// the step in progress and exit (status 130): `train` writes a checkpoint there, so nothing
/// is lost and `--resume` continues from that very step; `ablate` drops the net in progress
/// and keeps every finished one. A second Ctrl-C quits at once, keeping what was written.
final class Interrupt: @unchecked Sendable {
    // @unchecked: `requested` is only touched under `lock`.
    private let lock = NSLock()
    private var requested = false
    private var source: DispatchSourceSignal?
    /// What the first Ctrl-C prints.
    private var firstMessage = ""

    /// Whether Ctrl-C was pressed.
    var wasRequested: Bool { lock.withLock { requested } }

    /// Takes over SIGINT for the rest of the program; the first Ctrl-C prints `message`.
    static func install(
        message: String =
            "interrupted: finishing this step and writing a checkpoint (Ctrl-C again to quit at once)"
    ) -> Interrupt {
        let interrupt = Interrupt()
        interrupt.firstMessage = message
        signal(SIGINT, SIG_IGN)  // delivered to the dispatch source instead
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { interrupt.handle() }
        source.resume()
        interrupt.source = source
        return interrupt
    }

    private func handle() {
        let again = lock.withLock {
            defer { requested = true }
            return requested
        }
        if again {
            FileHandle.standardError.write(
                Data("\ninterrupted again: quitting now; the last checkpoint written stays\n".utf8))
            exit(130)
        }
        FileHandle.standardError.write(Data("\n\(firstMessage)\n".utf8))
    }
}
