import ExerciseKit
import NN

/// Exercise 09.1 · Freezing by path: everything but the named modules stays fixed.
///
/// Lesson 09, "A new head, and what is frozen": fine-tuning often trains only the last stage and
/// the new classifier. A parameter is frozen when `requiresGrad` is false: backward then gives it
/// no gradient, and an optimizer built over `model.trainableParameters` leaves it alone.
/// `model.namedParameters()` lists every parameter with its dotted path (`layer3.1.bn2.weight`,
/// `fc.bias`).
///
/// Task: freeze every parameter of `model` except those inside the modules named in
/// `trainable` (a path like `layer3` or `fc`; a parameter is inside `layer3` when its name
/// starts with `layer3.`, so `layer3` does not take in a `layer30`).
///
/// Graded by: one SGD step with momentum and weight decay over the trainable parameters:
/// every frozen tensor bit-identical afterwards, every trainable one moved.
public func freezeAllBut(_ model: Module, trainable: [String]) throws {
    throw NotAttempted()  // delete this line and write the exercise
}
