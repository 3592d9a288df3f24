using Onnx;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// One step of a composed graph: a step's ONNX model whose graph inputs are column names, and the column each
/// graph output becomes (a graph output missing from <see cref="OutputColumns"/> becomes the column of its own name).
/// </summary>
/// <param name="Name">The step's name in messages and the prefix of its values (e.g. <c>1_NormalizeWindows</c>).</param>
/// <param name="Model">The step's model (its stamp, if any, is ignored).</param>
/// <param name="OutputColumns">Graph output name → column name, for outputs written under a temporary name.</param>
internal sealed record OnnxComposedStep(string Name, ModelProto Model, IReadOnlyDictionary<string, string> OutputColumns);
