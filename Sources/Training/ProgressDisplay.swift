import Foundation

/// Where the trainer reports: a status line while an epoch runs, one summary line per epoch.
///
/// On a terminal the status line is rewritten in place (`\r`) a few times a second. When the
/// output is a file or a CI log, a plain status line is printed only every `interval`
/// seconds (30 by default), so a long run leaves a readable log rather than thousands of
/// lines. Summary lines are always printed. Lanes side by side may report at once: each call
/// takes a lock, so their lines never interleave.
public final class ProgressDisplay {
    /// How status lines are shown.
    public enum Style: Sendable, Equatable {
        /// `live` on a terminal, `lines(every: 30)` otherwise.
        case automatic
        /// One line rewritten in place with `\r` (at most every 0.2 s).
        case live
        /// A plain line at most every `seconds` seconds.
        case lines(every: Double)
        /// Nothing at all, summaries included (tests).
        case silent
    }

    /// The style in use (`automatic` resolved).
    public let style: Style
    private let write: (String) -> Void
    private var lastShown: ContinuousClock.Instant?
    /// Whether a live status line is on screen and must be cleared before the next line.
    private var lineIsOpen = false
    /// Held by each call: the lanes of an ablation report from their own threads.
    private let lock = NSLock()

    /// A display in `style`, writing to standard output unless `write` is given.
    ///
    /// - Parameters:
    ///   - style: see `Style`.
    ///   - write: receives the text to show, newlines and `\r` included (by default it is
    ///     printed to standard output and flushed at once).
    public init(_ style: Style = .automatic, write: ((String) -> Void)? = nil) {
        if style == .automatic {
            self.style = isatty(STDOUT_FILENO) == 1 ? .live : .lines(every: 30)
        } else {
            self.style = style
        }
        self.write =
            write ?? { text in
                print(text, terminator: "")  // through the same buffer as `print`, then out
                fflush(nil)
            }
    }

    /// Offers a status line; it is shown if enough time has passed since the last one.
    /// `text` is only built when it is shown.
    public func status(_ text: @autoclosure () -> String) {
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        let interval: Double
        switch style {
        case .live: interval = 0.2
        case .lines(let seconds): interval = seconds
        case .automatic, .silent: return
        }
        if let lastShown, seconds(from: lastShown, to: now) < interval { return }
        lastShown = now
        if style == .live {
            write("\r\u{1B}[2K" + text())
            lineIsOpen = true
        } else {
            write(text() + "\n")
        }
    }

    /// Prints a line (an epoch's summary, a note), closing any live status line first.
    public func line(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        guard style != .silent else { return }
        if lineIsOpen {
            write("\r\u{1B}[2K")
            lineIsOpen = false
        }
        write(text + "\n")
    }

    /// Starts the interval again, so the next status line waits a full interval (after an
    /// epoch's summary, say).
    public func restartInterval() {
        lock.lock()
        defer { lock.unlock() }
        lastShown = ContinuousClock.now
    }
}

/// Seconds between two instants.
public func seconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double
{
    let duration = end - start
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// A duration as `42s`, `3m05s` or `1h02m`.
public func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite && seconds >= 0 else { return "?" }
    let total = Int(seconds.rounded())
    if total < 60 { return "\(total)s" }
    if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
    return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
}
