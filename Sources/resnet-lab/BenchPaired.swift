import ArgumentParser
import Foundation
import Kernels

/// `bench train --paired` and `bench eval --paired`: one net kept alive and timed in slices
/// that another program asks for, so that a side-by-side script can alternate it with
/// PyTorch every few seconds (Docs/bench/paired_side_by_side.py). On a shared virtual machine
/// whose speed drifts over minutes, two measurements seconds apart see the same machine;
/// rounds minutes apart do not.
///
/// The protocol, on standard input and output: after building the net and one untimed step
/// it prints `ready`; then for each line N it reads (a whole number of steps, at least 1) it
/// takes N steps and prints one JSON line, `{"seconds":[…]}`, each step's wall time. It exits
/// at the end of its input.
extension Bench {
    func runPaired() throws {
        guard let net else { return }  // `validate` requires it
        let step: () -> Void
        switch suite {
        case .eval: step = EvalBench.foldedPass(net, batch: evalBatch)
        default:
            let chosen = TrainBench.nets.first { $0.name == net }!
            step = try TrainBench.stepper(chosen, batch: trainBatch)
        }
        step()
        emit("ready")
        while let line = readLine() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let count = Int(text), count >= 1 else { throw PairedInputError(line: text) }
            let seconds = (0..<count).map { _ in Timing.seconds(step) }
            emit("{\"seconds\":[\(seconds.map { "\($0)" }.joined(separator: ","))]}")
        }
    }

    /// One line on standard output, flushed: the other end waits for it.
    private func emit(_ line: String) {
        print(line)
        fflush(nil)  // standard output is line-buffered already (ResNetLab); to be sure
    }
}

/// A line of `--paired` input that is not a number of steps. Thrown as a plain error, not a
/// `ValidationError`, so that ArgumentParser reports it without the usage text: the flags were
/// right, the input was not.
private struct PairedInputError: Error, CustomStringConvertible {
    let line: String
    var description: String {
        "bench --paired: each input line must be a number of steps (1 or more), got '\(line)'"
    }
}
