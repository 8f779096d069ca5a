import Foundation

/// A piece of the package's own source shown in a lesson: the lines between
/// `// listing: NAME` and `// listing-end: NAME` in one file, read when the lesson runs, so
/// what a student reads is the code that ran, never a retyped copy.
///
/// The markers are ordinary comments in the library's source:
///
/// ```swift
/// // listing: train-step
/// optimizer.zeroGrad()
/// ...
/// // listing-end: train-step
/// ```
public struct Listing: Equatable, Sendable {
    /// The file, relative to the package root (`Sources/Ablation/NetTraining.swift`).
    public let file: String
    /// The marker's name, `NAME` in `// listing: NAME`.
    public let name: String
    /// The lines between the markers, with their common indentation removed.
    public let text: String
    /// The line number (from 1) of the first line shown.
    public let firstLine: Int

    /// Reads the listing `name` from `file` under `root`.
    ///
    /// - Parameters:
    ///   - name: the marker's name.
    ///   - file: the source file, relative to `root`.
    ///   - root: the package's root directory.
    /// - Throws: `NotebookError.missingListing` naming the file and marker when the file
    ///   cannot be read or the markers are missing, repeated or out of order.
    public init(_ name: String, in file: String, root: String) throws(NotebookError) {
        let path = (root as NSString).appendingPathComponent(file)
        guard let source = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .missingListing(file: path, name: name, reason: "the file cannot be read")
        }
        let lines = source.components(separatedBy: "\n")
        let trimmed = lines.map { $0.trimmingCharacters(in: .whitespaces) }
        let starts = trimmed.indices.filter { trimmed[$0] == "// listing: \(name)" }
        let ends = trimmed.indices.filter { trimmed[$0] == "// listing-end: \(name)" }
        guard starts.count == 1, ends.count == 1, let start = starts.first, let end = ends.first,
            start < end
        else {
            throw .missingListing(
                file: path, name: name,
                reason: "expected one `// listing: \(name)` line and, after it, one "
                    + "`// listing-end: \(name)` line; found \(starts.count) and \(ends.count)")
        }
        self.file = file
        self.name = name
        text = Self.dedented(lines[(start + 1)..<end])
        firstLine = start + 2
    }

    /// `lines` joined, with the indentation they all share removed (blank lines aside): how a
    /// listing is shown.
    public static func dedented(_ lines: some Collection<String>) -> String {
        let indent =
            lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return lines.map { String($0.dropFirst(min(indent, $0.prefix { $0 == " " }.count))) }
            .joined(separator: "\n")
    }
}

extension Cell {
    /// Shows the listing `name` of `file` (relative to the package root), with where it
    /// comes from. A missing or broken marker throws, which fails the cell and the lesson.
    ///
    /// - Parameters:
    ///   - name: the marker's name, `NAME` in `// listing: NAME`.
    ///   - file: the source file, relative to the package root
    ///     (`Sources/ResNetModels/BasicBlock.swift`).
    /// - Returns: the listing shown.
    /// - Throws: ``NotebookError/missingListing(file:name:reason:)`` when the file cannot be
    ///   read or the markers are missing, repeated or out of order.
    @discardableResult
    public func listing(_ name: String, in file: String) throws -> Listing {
        let listing = try Listing(name, in: file, root: notebook.packageRoot)
        let lines = listing.text.split(separator: "\n", omittingEmptySubsequences: false).count
        prose("From `\(file)`, lines \(listing.firstLine)–\(listing.firstLine + lines - 1):")
        code(listing.text)
        return listing
    }
}
