import Dispatch
import Foundation

/// Ctrl-C during `resnet-lab train`. The first one asks the run to stop after the step in
/// progress, write a checkpoint and exit (status 130), so nothing is lost and `--resume`
/// continues from that very step; a second one quits at once, keeping the last checkpoint
/// that was written.
final class Interrupt: @unchecked Sendable {
    // @unchecked: `requested` is only touched under `lock`.
    private let lock = NSLock()
    private var requested = false
    private var source: DispatchSourceSignal?

    /// Whether Ctrl-C was pressed.
    var wasRequested: Bool { lock.withLock { requested } }

    /// Takes over SIGINT for the rest of the program.
    static func install() -> Interrupt {
        let interrupt = Interrupt()
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
        FileHandle.standardError.write(
            Data(
                ("\ninterrupted: finishing this step and writing a checkpoint "
                    + "(Ctrl-C again to quit at once)\n").utf8))
    }
}
