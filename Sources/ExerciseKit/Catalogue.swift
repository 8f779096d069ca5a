/// One exercise as the course lists it.
public struct ExerciseInfo: Sendable {
    /// `01.1`: lesson, then the exercise's number within it.
    public var id: String
    /// The number of the lesson it builds on, 1 to 12, whose last cell lists it.
    public var lesson: Int
    /// The task in a few words (`"tanh as a scalar operation, with its derivative"`), as the
    /// lesson's table of exercises shows it.
    public var title: String
    /// The student's file, from the package root.
    public var file: String
    /// Given one at a time by `course hint ID`; the first comes with *not attempted*.
    public var hints: [String]
}

/// Every exercise, in the order of the lessons.
public enum Catalogue {
    /// The exercises, lesson 01's first, each `id` once; ``exercise(_:)`` finds one by id.
    public static let exercises: [ExerciseInfo] = [
        ExerciseInfo(
            id: "01.1", lesson: 1, title: "tanh as a scalar operation, with its derivative",
            file: "Lessons/Exercises/01-1-ScalarTanh.swift",
            hints: [
                "Copy the shape of `Value.exp()`: compute t = tanh(x.data), then return "
                    + "Value(t, op: \"tanh\", inputs: [x], localGradients: [...]).",
                "d tanh(x)/dx = 1 − tanh²(x): you already have tanh(x) in t.",
            ]),
        ExerciseInfo(
            id: "01.2", lesson: 1, title: "backward() by hand, accumulating as PyTorch does",
            file: "Lessons/Exercises/01-2-Backpropagate.swift",
            hints: [
                "Keep this call's gradients in a dictionary keyed by ObjectIdentifier(value), "
                    + "starting with the output at 1, and visit output.topologicalOrder().reversed().",
                "For each value, add local × upstream to each input's entry; a value's entry is "
                    + "complete when you reach it, because every value that uses it came first.",
                "Only then touch `grad`: leaves `+=` (they accumulate across calls), interior "
                    + "values `=` (fresh each call).",
            ]),
        ExerciseInfo(
            id: "01.3", lesson: 1, title: "the slope by central differences, and its error",
            file: "Lessons/Exercises/01-3-CentralDifference.swift",
            hints: [
                "Evaluate f once on each side of x, at the same distance h, and divide the rise "
                    + "by the run between those two points.",
                "The run is 2h, not h; f(x) itself is not needed at all: (f(x + h) − f(x − h)) "
                    + "/ (2h).",
            ]),
        ExerciseInfo(
            id: "02.1", lesson: 2, title: "softmax cross-entropy's backward",
            file: "Lessons/Exercises/02-1-CrossEntropyGradient.swift",
            hints: [
                "Row by row: p = softmax(row), then p[target] −= 1, then divide the row by N.",
                "softmax(z) = exp(z − max z) / Σ exp(z − max z): the same numbers, no overflow.",
            ]),
        ExerciseInfo(
            id: "02.2", lesson: 2, title: "the backward of a broadcasting addition",
            file: "Lessons/Exercises/02-2-ReduceToShape.swift",
            hints: [
                "Pad `shape` on the left with 1s to the gradient's rank; every axis where it "
                    + "has size 1 (and the gradient does not) is summed over.",
                "Walk every element of the gradient with its multi-index; its place in the "
                    + "result is the same index with 0 on the summed axes.",
            ]),
        ExerciseInfo(
            id: "02.3", lesson: 2, title: "a 2-D convolution written as loops",
            file: "Lessons/Exercises/02-3-Conv2dLoops.swift",
            hints: [
                "Seven loops: image, output channel, output row, output column, then input "
                    + "channel, kernel row, kernel column.",
                "The input row is i·stride + r − padding; skip it (it reads zero) when it is "
                    + "below 0 or at least H. Likewise the column.",
                "Row-major NCHW: x[n, c, y, x] is x.data[((n·C + c)·H + y)·W + x].",
            ]),
        ExerciseInfo(
            id: "02.4", lesson: 2, title: "the backward of a matrix product",
            file: "Lessons/Exercises/02-4-MatmulBackward.swift",
            hints: [
                "C = A B with C[i, j] = Σₖ A[i, k] B[k, j]: so ∂L/∂A[i, k] = Σⱼ G[i, j] B[k, j] "
                    + "and ∂L/∂B[k, j] = Σᵢ A[i, k] G[i, j].",
                "In matrix form dA = G Bᵀ ([M, N]·[N, K]) and dB = Aᵀ G ([K, M]·[M, N]); let the "
                    + "shapes tell you which side each transpose goes on.",
            ]),
        ExerciseInfo(
            id: "03.1", lesson: 3, title: "the gradient through a residual block, g (I + J)",
            file: "Lessons/Exercises/03-1-ResidualVJP.swift",
            hints: [
                "dL/dxⱼ = Σᵢ gᵢ (δᵢⱼ + Jᵢⱼ): the identity part gives gⱼ itself.",
                "Mind the index order: it is a ROW vector times the matrix, Σ over i of "
                    + "g[i]·J[i][j], not J[j][i].",
            ]),
        ExerciseInfo(
            id: "03.2", lesson: 3, title: "the gradient's norm at every layer of a stack",
            file: "Lessons/Exercises/03-2-GradientNorms.swift",
            hints: [
                "To read the gradient at every block's input, make each input a leaf of its own "
                    + "graph: then one block's backward stops at its input, and what it leaves "
                    + "there is what the block below needs.",
                "Forward: xₗ = previous.detach(), xₗ.requiresGrad = true, yₗ = blocks[l](xₗ); "
                    + "keep every xₗ and yₗ. Backward from the top: yₗ.backward(gradient: g) "
                    + "fills xₗ.grad, the g for block l − 1. Start with g = upstream; the norm is "
                    + "√Σ g².",
                "The list has blocks.count + 1 norms: index l is block l's input, the last is "
                    + "the output's (‖upstream‖).",
            ]),
        ExerciseInfo(
            id: "04.1", lesson: 4, title: "BasicBlock's forward pass from its parts",
            file: "Lessons/Exercises/04-1-BasicBlockForward.swift",
            hints: [
                "Keep x aside for the shortcut; out = relu(bn1(conv1(x))), then bn2(conv2(out)).",
                "Add shortcut(x) only when block.shortcut is not nil (a plain block has none), "
                    + "and apply the ReLU after the sum, not before it.",
            ]),
        ExerciseInfo(
            id: "04.2", lesson: 4, title: "a residual block that starts as the identity",
            file: "Lessons/Exercises/04-2-ZeroInitResidual.swift",
            hints: [
                "F(x) ends in bn2, whose output is γ·x̂ + β per channel: make it zero whatever "
                    + "x̂ is.",
                "γ = 0 alone is not enough when β is not zero (a trained block's is not): set "
                    + "both block.bn2.weight.data and block.bn2.bias.data to zeros.",
            ]),
        ExerciseInfo(
            id: "04.3", lesson: 4, title: "the option-B projection shortcut",
            file: "Lessons/Exercises/04-3-ProjectionShortcut.swift",
            hints: [
                "Sequential([Conv2d(inputChannels: …, outputChannels: …, kernelSize: 1, stride: "
                    + "stride, bias: false, generator: &generator), BatchNorm2d(outputChannels)]).",
                "No padding and no bias: the batch norm's shift makes a bias useless.",
            ]),
        ExerciseInfo(
            id: "04.4", lesson: 4, title: "the plain block: BasicBlock's layers, no shortcut",
            file: "Lessons/Exercises/04-4-PlainBlock.swift",
            hints: [
                "Six layers in a row, no branch: convolution, batch norm, ReLU, twice. "
                    + "Sequential calls the modules you give it in order.",
                "Only the first convolution carries the stride and changes the channels; the "
                    + "second maps channels to channels with stride 1.",
                "Conv2d(inputChannels:, outputChannels:, kernelSize: 3, stride:, padding: 1, "
                    + "bias: false, generator: &generator), then BatchNorm2d(channels), ReLU().",
            ]),
        ExerciseInfo(
            id: "05.1", lesson: 5, title: "a bottleneck's parameters and mult-adds by formula",
            file: "Lessons/Exercises/05-1-BottleneckCost.swift",
            hints: [
                "List the convolutions as (input channels, output channels, kernel side, output "
                    + "pixels): three, or four with the projection. Then sum weights and mult-adds.",
                "Only conv1 sees the full height × width; the 3×3 carries the stride, so conv2, "
                    + "conv3 and the projection output ⌈H/stride⌉ × ⌈W/stride⌉ pixels.",
                "Each batch norm adds 2 parameters per channel: width, width, 4·width, and 4·width "
                    + "more with the projection; it adds the same number to the mult-adds.",
            ]),
        ExerciseInfo(
            id: "05.2", lesson: 5, title: "the bottleneck's forward pass from its parts",
            file: "Lessons/Exercises/05-2-BottleneckForward.swift",
            hints: [
                "The same pattern as BasicBlock, one convolution longer: every convolution is "
                    + "followed by its batch norm, and every batch norm but the last by a ReLU.",
                "The shortcut is block.shortcut, not x: where the shape changes it is a "
                    + "projection. Add it, then the last ReLU, after the sum.",
                "The strides are inside the convolutions already (conv1 or conv2, as the "
                    + "block was built): call them, do not move them.",
            ]),
        ExerciseInfo(
            id: "06.1", lesson: 6, title: "a stage of basic blocks, and ResNet-18 from four",
            file: "Lessons/Exercises/06-1-BasicStage.swift",
            hints: [
                "A loop over blocks: block i takes inputChannels and stride when i == 0, "
                    + "channels and 1 otherwise; append BasicBlock(..., shortcut: .b, generator: "
                    + "&generator) to an array, then return Sequential(array).",
                "Build the blocks in order with the same generator: the weights are drawn as "
                    + "each block is made, so the order is part of the answer.",
            ]),
        ExerciseInfo(
            id: "06.2", lesson: 6, title: "the spatial sizes from 224 to 7, for any input",
            file: "Lessons/Exercises/06-2-ImageNetSizes.swift",
            hints: [
                "Write out(side, kernel, stride, padding) = (side + 2·padding − kernel) / stride "
                    + "+ 1 (integer division), and apply it layer by layer.",
                "conv1: kernel 7, stride 2, padding 3; maxpool: 3, 2, 1; layer1 keeps the side; "
                    + "layer2-4: 3, 2, 1 each.",
            ]),
        ExerciseInfo(
            id: "06.3", lesson: 6, title: "any ImageNet ResNet's parameter count by formula",
            file: "Lessons/Exercises/06-3-ResNetParameters.swift",
            hints: [
                "Stem: 7·7·inputChannels·w₀ + 2·w₀. A block: its convolutions' weights plus 2 "
                    + "per batch-norm channel. Head: features·classes + classes.",
                "The first block of a stage has a projection (1×1 convolution and batch norm) "
                    + "when its stride is 2 or its input channels differ from its output "
                    + "channels: for bottlenecks that is every stage's first block, layer1's too.",
            ]),
        ExerciseInfo(
            id: "07.1", lesson: 7, title: "cosine annealing after a linear warm-up",
            file: "Lessons/Exercises/07-1-WarmupCosine.swift",
            hints: [
                "Two branches: step < warmupSteps, and the rest, where the cosine starts again "
                    + "from step − warmupSteps over totalSteps − warmupSteps steps.",
                "At step = warmupSteps the rate is the peak itself: cos(0) = 1.",
            ]),
        ExerciseInfo(
            id: "07.2", lesson: 7, title: "random crop with padding, at a given offset",
            file: "Lessons/Exercises/07-2-PaddedCrop.swift",
            hints: [
                "No need to build the padded image: for each output pixel (i, j) read the input "
                    + "at (i + top − padding, j + left − padding) when it is inside, else 0.",
                "Index x.data[(c·H + row)·W + column], row-major [C, H, W].",
            ]),
        ExerciseInfo(
            id: "07.3", lesson: 7, title: "one SGD step with momentum and weight decay",
            file: "Lessons/Exercises/07-3-SGDStep.swift",
            hints: [
                "Per element: g = gradient + weightDecay·p; then v = momentum·v + g (or v = g "
                    + "on the first step, when velocity is nil); then p −= learningRate·v.",
                "The learning rate multiplies v when it is used, it is not folded into v: a "
                    + "schedule that changes the rate must not rescale the momentum already "
                    + "stored.",
            ]),
        ExerciseInfo(
            id: "08.1", lesson: 8, title: "a filter-normalised direction (Li et al.)",
            file: "Lessons/Exercises/08-1-FilterNormalize.swift",
            hints: [
                "A filter is weight.count / shape[0] consecutive numbers: for each f, scale "
                    + "the direction's slice by ‖w_f‖ / ‖d_f‖.",
                "Rank 1 (a bias, γ, β): return zeros. A direction filter of norm 0: leave it 0, "
                    + "do not divide by zero.",
            ]),
        ExerciseInfo(
            id: "08.2", lesson: 8, title: "PlainNet: a ResNet's twin without its shortcuts",
            file: "Lessons/Exercises/08-2-PlainTwin.swift",
            hints: [
                "Two steps: build a network with the same configuration but no shortcuts, then "
                    + "give it the ResNet's weights. Change nothing in the ResNet itself.",
                "var configuration = net.configuration; configuration.residual = false; then "
                    + "ResNet(configuration, generator: &generator) builds the twin's layers "
                    + "(any seed: the next step overwrites every weight).",
                "The twin must have the same weights: load net.stateDict() into it with "
                    + "loadStateDict (option A draws no weights, so every name matches).",
            ]),
        ExerciseInfo(
            id: "08.3", lesson: 8, title: "a trained net with one block deleted (Veit et al.)",
            file: "Lessons/Exercises/08-3-DeleteBlock.swift",
            hints: [
                "Write the network's forward pass yourself, so that you can do something else "
                    + "at one block: what is left of a block without its branch?",
                "Copy ResNet.forward: the stem (conv1, bn1, relu, maxpool if any), then every "
                    + "block of net.blocks in order, then avgpool, flattened(startDim: 1), fc.",
                "At the deleted index, apply only the block's shortcut, block.shortcut!(out) "
                    + "(identity, option A or projection, whatever it is): no branch, no ReLU.",
            ]),
        ExerciseInfo(
            id: "09.1", lesson: 9, title: "freezing everything but some paths",
            file: "Lessons/Exercises/09-1-FreezeAllBut.swift",
            hints: [
                "for (name, parameter) in model.namedParameters(): set parameter.requiresGrad "
                    + "to whether name starts with one of the paths followed by a dot.",
                "Compare with path + \".\": a plain hasPrefix(\"layer1\") would also keep "
                    + "layer10 (in deeper nets) trainable.",
            ]),
        ExerciseInfo(
            id: "09.2", lesson: 9, title: "a new head for a new number of classes",
            file: "Lessons/Exercises/09-2-NewHead.swift",
            hints: [
                "The classifier is the module net.fc, and it can be replaced by a new one whose "
                    + "input size is what the pooling hands it.",
                "Touch nothing else: the backbone's weights, batch-norm statistics and flags "
                    + "must stay exactly as they were.",
                "net.fc = Linear(inputFeatures: net.featureCount, outputFeatures: classes, "
                    + "generator: &generator).",
            ]),
        ExerciseInfo(
            id: "10.1", lesson: 10, title: "an RGB stem ported to gray images",
            file: "Lessons/Exercises/10-1-GrayscaleStem.swift",
            hints: [
                "out[k, 0, r, s] = Σ over the 3 input channels c of rgb[k, c, r, s].",
                "Not the mean: the repeated gray image feeds all three channels, so all three "
                    + "filters' contributions add up.",
            ]),
        ExerciseInfo(
            id: "10.2", lesson: 10, title: "a gray image repeated into three channels, and back",
            file: "Lessons/Exercises/10-2-RepeatChannels.swift",
            hints: [
                "Forward: output channel c of image n is the gray plane of image n, for c = 0, "
                    + "1, 2. Backward: the gray plane's gradient gathers from all three.",
                "The backward sums the three channels' gradients; it does not average them, "
                    + "since each copy of a pixel passes its own gradient back to it.",
            ]),
        ExerciseInfo(
            id: "11.1", lesson: 11, title: "each stage's output shape, through forward hooks",
            file: "Lessons/Exercises/11-1-StageShapes.swift",
            hints: [
                "Register one hook per stage in model.layers that appends output.shape to an "
                    + "array, keep the ids, run model(x) once, then remove the hooks by id.",
                "Run the model inside Tensor.withoutGrad { } so no graph is kept, and return "
                    + "the shapes in stage order.",
            ]),
        ExerciseInfo(
            id: "11.2", lesson: 11, title: "an image un-normalised the right way",
            file: "Lessons/Exercises/11-2-Unnormalize.swift",
            hints: [
                "Per element: find its channel, c = index / (H·W) % C, then x · std[c] + mean[c].",
                "Not · 0.5 + 0.5: that undoes a normalisation with mean 0.5 and std 0.5 only.",
            ]),
        ExerciseInfo(
            id: "12.1", lesson: 12, title: "Winograd's F(2, 3): two outputs from four products",
            file: "Lessons/Exercises/12-1-WinogradProducts.swift",
            hints: [
                "Each product is one combination of inputs times one combination of filter "
                    + "taps. m₁ involves only d₀, d₂ and g₀, m₄ only d₁, d₃ and g₂: write those "
                    + "two first, then work out what m₂ and m₃ must supply.",
                "m₁ = (d₀ − d₂)·g₀ and m₄ = (d₁ − d₃)·g₂; m₂ and m₃ multiply d₁ + d₂ and "
                    + "d₂ − d₁ by half of g₀ + g₁ + g₂ and half of g₀ − g₁ + g₂.",
                "Check by hand: m₁ + m₂ + m₃ must expand to d₀g₀ + d₁g₁ + d₂g₂; the halves are "
                    + "what make the d₁g₀ and d₂g₂ terms cancel.",
            ]),
        ExerciseInfo(
            id: "12.2", lesson: 12, title: "a filter in Winograd's domain: G g Gᵀ",
            file: "Lessons/Exercises/12-2-FilterTransform.swift",
            hints: [
                "First G g, (m+2) × 3: row i is Σ_k G[i][k] · g[k][j]. Then (G g) Gᵀ, "
                    + "(m+2) × (m+2): entry (i, j) is Σ_k (G g)[i][k] · G[j][k].",
                "Gᵀ on the right means G's rows dotted with (G g)'s rows; g itself is not "
                    + "transposed (transposing it flips the filter).",
            ]),
    ]

    /// The exercise with `id`, or nil.
    public static func exercise(_ id: String) -> ExerciseInfo? {
        exercises.first { $0.id == id }
    }
}
