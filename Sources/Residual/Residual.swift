// The umbrella module that lessons import: `import Residual` brings in every library.

@_exported import Ablation
@_exported import Checks
@_exported import Datasets
@_exported import ExerciseKit
@_exported import GraphRender
@_exported import Kernels
@_exported import ModelViews
@_exported import NN
@_exported import Notebook
@_exported import Optim
@_exported import Plots
@_exported import Randomness
@_exported import ResNetModels
@_exported import ScalarAutograd
@_exported import TensorCore
@_exported import TextFormat
@_exported import Training
