import ExerciseKit
import Notebook

extension Notebook {
    /// The lesson's last cell: its exercises from the course catalogue (id, task, file) and
    /// the commands that grade them, so the transcript ends with what the student does next.
    /// - Parameter lesson: the lesson's number, 1 to 12.
    public func exercises(lesson: Int) {
        let own = Catalogue.exercises.filter { $0.lesson == lesson }
        precondition(
            !own.isEmpty, "Notebook.exercises: the catalogue has none for lesson \(lesson)")
        cell("Exercises") { cell in
            cell.prose(
                """
                Now write the code yourself. Each exercise below is one function in a file of \
                its own, whose doc comment states the task, the shapes and what grades it; \
                until you change it, it reports *not attempted*. The graders check identities \
                (finite differences, the library's own layers, exact parameter counts) on \
                random seeded cases, and a failure names the identity, the place, the numbers \
                and the seed that reproduces it.
                """)
            cell.table(
                ["exercise", "task", "file"],
                own.map { [$0.id, $0.title, "`\($0.file)`"] })
            cell.prose(
                """
                Grade one with `swift run course check \(own[0].id)` (exit status 0 passed, 1 \
                failed, 2 not attempted), ask for hints one at a time with `swift run course \
                hint \(own[0].id)`, and see the whole course with `swift run course`.
                """)
        }
    }
}
