using System.Globalization;
using SafeChat.Inference.Models;

namespace SafeChat.Inference.Onnx;

/// <summary>
/// What SafeChat reads of a linear ONNX graph before running it: its inputs and outputs (names, element types, shapes),
/// its <c>metadata_props</c>, and from them the kind (sparse or dense), the feature count and the output count. Built
/// from an ONNX Runtime session (<see cref="OnnxLinearModel"/>) or straight from the graph bytes
/// (<see cref="LinearGraphReader"/>, when the shipped graphs run in managed code and no session is made); both check
/// the graph against its model card the same way, with the same errors.
/// </summary>
internal sealed class OnnxGraphSignature
{
    /// <summary>Reads the signature; <paramref name="name"/> names the graph in errors.</summary>
    /// <exception cref="InvalidDataException">The graph is neither of SafeChat's two linear shapes.</exception>
    public OnnxGraphSignature(string name, IReadOnlyList<OnnxTensorInfo> inputs, IReadOnlyList<OnnxTensorInfo> outputs, IReadOnlyDictionary<string, string> metadata)
    {
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        Metadata = metadata;
        (Kind, FeatureCount, OutputCount) = ReadSignature();
    }

    /// <summary>The graph's name in errors (e.g. <c>models/safechat-signals-v1/model.onnx</c>).</summary>
    public string Name { get; }

    /// <summary>The graph inputs in order (initializers left out, as ONNX Runtime does).</summary>
    public IReadOnlyList<OnnxTensorInfo> Inputs { get; }

    /// <summary>The graph outputs in order.</summary>
    public IReadOnlyList<OnnxTensorInfo> Outputs { get; }

    /// <summary>The model's <c>metadata_props</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Sparse (ids/values) or dense (features).</summary>
    public OnnxLinearModelKind Kind { get; }

    /// <summary>
    /// Dense: F, the width of <c>features</c>. Sparse: D, the number of rows of W when the model says so in its metadata,
    /// else <c>-1</c>.
    /// </summary>
    public int FeatureCount { get; }

    /// <summary>K: the number of probabilities per row.</summary>
    public int OutputCount { get; }

    /// <summary>Checks that the card describes this graph: input and output names, element types, shapes and label count.</summary>
    /// <exception cref="ModelCardException">A difference, naming the card's JSON path.</exception>
    public void CheckAgainst(ModelCard card, string cardFileName)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (card.Inputs.Count != Inputs.Count)
        {
            throw new ModelCardException(cardFileName, "$.inputs", $"lists {card.Inputs.Count} inputs but {Name} has {Inputs.Count} ({string.Join(", ", Inputs.Select(i => i.Name))}).");
        }

        for (var i = 0; i < card.Inputs.Count; i++)
        {
            CheckTensor(card.Inputs[i], $"$.inputs[{i}]", Inputs, cardFileName);
            if (!string.Equals(card.Inputs[i].Name, Inputs[i].Name, StringComparison.Ordinal))
            {
                throw new ModelCardException(cardFileName, $"$.inputs[{i}].name", $"'{card.Inputs[i].Name}' but input {i} of {Name} is '{Inputs[i].Name}'.");
            }
        }

        for (var i = 0; i < card.Outputs.Count; i++)
        {
            CheckTensor(card.Outputs[i], $"$.outputs[{i}]", Outputs, cardFileName);
        }

        if (card.Labels.Count != 0 && card.Labels.Count != OutputCount)
        {
            throw new ModelCardException(cardFileName, "$.labels", $"lists {card.Labels.Count} labels but {Name} has {OutputCount} outputs per row.");
        }
    }

    private static OnnxTensorInfo? Find(IReadOnlyList<OnnxTensorInfo> nodes, string name)
    {
        foreach (var node in nodes)
        {
            if (string.Equals(node.Name, name, StringComparison.Ordinal))
            {
                return node;
            }
        }

        return null;
    }

    private (OnnxLinearModelKind Kind, int FeatureCount, int OutputCount) ReadSignature()
    {
        if (Find(Outputs, OnnxModelConventions.ProbabilitiesOutput) is not { } output
            || output.ElementType != OnnxTensorInfo.FloatType || output.Dimensions.Length != 2 || output.Dimensions[1] <= 0)
        {
            throw new InvalidDataException($"{Name}: expected an output '{OnnxModelConventions.ProbabilitiesOutput}' of type float with shape [batch, K] and a fixed K; found {Describe(Outputs)}.");
        }

        var outputCount = output.Dimensions[1];
        if (Inputs.Count == 2
            && Find(Inputs, OnnxModelConventions.IdsInput) is { } ids && ids.ElementType == OnnxTensorInfo.Int64Type && ids.Dimensions.Length == 2
            && Find(Inputs, OnnxModelConventions.ValuesInput) is { } values && values.ElementType == OnnxTensorInfo.FloatType && values.Dimensions.Length == 2)
        {
            var featureCount = -1;
            if (Metadata.TryGetValue(OnnxModelConventions.FeatureCountKey, out var text))
            {
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out featureCount) || featureCount <= 0)
                {
                    throw new InvalidDataException($"{Name}: metadata '{OnnxModelConventions.FeatureCountKey}' is '{text}', not a positive integer.");
                }
            }

            return (OnnxLinearModelKind.Sparse, featureCount, outputCount);
        }

        if (Inputs.Count == 1
            && Find(Inputs, OnnxModelConventions.FeaturesInput) is { } features && features.ElementType == OnnxTensorInfo.FloatType
            && features.Dimensions.Length == 2 && features.Dimensions[1] > 0)
        {
            return (OnnxLinearModelKind.Dense, features.Dimensions[1], outputCount);
        }

        throw new InvalidDataException(
            $"{Name}: expected inputs ids:int64[batch,length] and values:float[batch,length] (sparse model) or features:float[batch,F] (dense model); found {Describe(Inputs)}.");
    }

    private void CheckTensor(ModelCardTensor expected, string path, IReadOnlyList<OnnxTensorInfo> actual, string cardFileName)
    {
        if (Find(actual, expected.Name) is not { } node)
        {
            throw new ModelCardException(cardFileName, $"{path}.name", $"'{expected.Name}' is not in {Name}, which has {Describe(actual)}.");
        }

        if (!string.Equals(expected.Type, node.TypeName, StringComparison.Ordinal))
        {
            throw new ModelCardException(cardFileName, $"{path}.type", $"'{expected.Type}' but '{expected.Name}' in {Name} is '{node.TypeName}'.");
        }

        var shapeMatches = expected.Shape.Count == node.Dimensions.Length;
        for (var d = 0; shapeMatches && d < node.Dimensions.Length; d++)
        {
            var fixedSize = int.TryParse(expected.Shape[d], NumberStyles.None, CultureInfo.InvariantCulture, out var size);
            shapeMatches = fixedSize ? node.Dimensions[d] == size : node.Dimensions[d] < 0;
        }

        if (!shapeMatches)
        {
            throw new ModelCardException(cardFileName, $"{path}.shape", $"[{string.Join(", ", expected.Shape)}] but '{expected.Name}' in {Name} is {node.ShapeText}.");
        }
    }

    private static string Describe(IReadOnlyList<OnnxTensorInfo> nodes)
        => nodes.Count == 0 ? "nothing" : string.Join(", ", nodes.Select(n => $"{n.Name}:{n.TypeName}{n.ShapeText}"));
}
