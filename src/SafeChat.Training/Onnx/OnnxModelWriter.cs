using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using SafeChat.Inference.Models;
using SafeChat.Inference.Onnx;
using SafeChat.Training.Onnx.Proto;

namespace SafeChat.Training.Onnx;

/// <summary>
/// Writes SafeChat's two linear models as ONNX (opset 17, IR 8) without ML.NET's converter. The same inputs always give
/// the same bytes, so a model's sha256 is reproducible.
/// </summary>
/// <example>
/// Write a model and its card, then load it back the way the runtime does:
/// <code>
/// OnnxModelWriter.WriteSparseLinear(new SparseLinearWeights(d, k, w, b), new OnnxModelInfo { GraphName = "safechat-signals", Labels = labels }, Path.Combine(dir, "model.onnx"));
/// var (inputs, outputs) = OnnxModelWriter.DescribeSparseLinear(k);
/// ModelCardWriter.Save(dir, new ModelCard { Id = "safechat-signals", Version = "1.0.0", Inputs = inputs, Outputs = outputs, Labels = labels, ... }, timeProvider);
///
/// var verified = ModelCard.LoadVerifiedModel(new DirectoryModelFileSource(dir)); // or EmbeddedModelFileSource
/// using var model = OnnxLinearModel.FromVerified(verified);                      // checks the graph against the card
/// model.Run(ids, values, probabilities);
/// </code>
/// </example>
public static class OnnxModelWriter
{
    /// <summary>ModelProto.producer_name of every SafeChat model.</summary>
    public const string ProducerName = "safechat-train";

    /// <summary>The default-domain opset the graphs use.</summary>
    public const int OpsetVersion = 17;

    /// <summary>The ONNX IR version written.</summary>
    public const int IrVersion = 8;

    private const string Batch = OnnxModelConventions.BatchDim;
    private const string Length = OnnxModelConventions.LengthDim;

    /// <summary>Writes the sparse linear multi-label model (see <see cref="SparseLinearWeights"/>).</summary>
    /// <remarks>
    /// Graph: <c>Gather(W, ids)</c> [B,L,K] × <c>Unsqueeze(values, 2)</c> [B,L,1] → <c>ReduceSum(axis 1)</c> [B,K]
    /// → <c>Add b</c> → <c>logits</c> → <c>Sigmoid</c> → <c>probabilities</c>. With float16 weights the gathered rows are
    /// cast to float, so only B×L×K values are converted per call and W stays half size in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">Sizes disagree, a weight is not finite, or a label/property is invalid.</exception>
    public static byte[] WriteSparseLinear(SparseLinearWeights weights, OnnxModelInfo info)
        => BuildSparseLinear(weights, info).ToByteArray();

    /// <summary>Writes the sparse linear model to a file (see <see cref="WriteSparseLinear(SparseLinearWeights, OnnxModelInfo)"/>).</summary>
    public static void WriteSparseLinear(SparseLinearWeights weights, OnnxModelInfo info, string path)
        => File.WriteAllBytes(path, WriteSparseLinear(weights, info));

    /// <summary>Writes the dense logistic model (see <see cref="DenseLogisticWeights"/>).</summary>
    /// <remarks>
    /// Graph: optional <c>Sub mean</c>, <c>Div std</c> → <c>Gemm(x, W, b, transB=1)</c> → <c>logits</c> [B,H] →
    /// <c>Sigmoid</c> → <c>probabilities</c> [B,H].
    /// </remarks>
    /// <exception cref="ArgumentException">Sizes disagree, a weight is not finite, a std is not positive, or a label/property is invalid.</exception>
    public static byte[] WriteDenseLogistic(DenseLogisticWeights weights, OnnxModelInfo info)
        => BuildDenseLogistic(weights, info).ToByteArray();

    /// <summary>Writes the dense logistic model to a file (see <see cref="WriteDenseLogistic(DenseLogisticWeights, OnnxModelInfo)"/>).</summary>
    public static void WriteDenseLogistic(DenseLogisticWeights weights, OnnxModelInfo info, string path)
        => File.WriteAllBytes(path, WriteDenseLogistic(weights, info));

    /// <summary>The card description of the sparse model's inputs and outputs.</summary>
    public static (IReadOnlyList<ModelCardTensor> Inputs, IReadOnlyList<ModelCardTensor> Outputs) DescribeSparseLinear(int labelCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(labelCount);
        var k = labelCount.ToString(CultureInfo.InvariantCulture);
        return (
            [
                new ModelCardTensor { Name = OnnxModelConventions.IdsInput, Type = "int64", Shape = [Batch, Length], Meaning = "Hashed feature ids per row; padding id 0." },
                new ModelCardTensor { Name = OnnxModelConventions.ValuesInput, Type = "float", Shape = [Batch, Length], Meaning = "Feature value per id; padding value 0." },
            ],
            [
                new ModelCardTensor { Name = OnnxModelConventions.LogitsOutput, Type = "float", Shape = [Batch, k], Meaning = "Per-label log-odds, in label order." },
                new ModelCardTensor { Name = OnnxModelConventions.ProbabilitiesOutput, Type = "float", Shape = [Batch, k], Meaning = "Per-label probability (sigmoid of logits), in label order." },
            ]);
    }

    /// <summary>The card description of the dense model's inputs and outputs.</summary>
    public static (IReadOnlyList<ModelCardTensor> Inputs, IReadOnlyList<ModelCardTensor> Outputs) DescribeDenseLogistic(int featureCount, int outputCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputCount);
        var f = featureCount.ToString(CultureInfo.InvariantCulture);
        var h = outputCount.ToString(CultureInfo.InvariantCulture);
        return (
            [
                new ModelCardTensor { Name = OnnxModelConventions.FeaturesInput, Type = "float", Shape = [Batch, f], Meaning = "Raw aggregate features per conversation, in feature order." },
            ],
            [
                new ModelCardTensor { Name = OnnxModelConventions.LogitsOutput, Type = "float", Shape = [Batch, h], Meaning = "Per-output log-odds, in label order." },
                new ModelCardTensor { Name = OnnxModelConventions.ProbabilitiesOutput, Type = "float", Shape = [Batch, h], Meaning = "Per-output probability (sigmoid of logits), in label order." },
            ]);
    }

    internal static ModelProto BuildSparseLinear(SparseLinearWeights weights, OnnxModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(info);
        var d = weights.FeatureCount;
        var k = weights.LabelCount;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(d, "weights.FeatureCount");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k, "weights.LabelCount");
        RequireLength(weights.Weights.Span, checked((long)d * k), "weights.Weights", "FeatureCount × LabelCount");
        RequireLength(weights.Bias.Span, k, "weights.Bias", "LabelCount");
        RequireFinite(weights.Weights.Span, "weights.Weights");
        RequireFinite(weights.Bias.Span, "weights.Bias");
        RequireLabels(info, k);

        var graph = new GraphProto { Name = info.GraphName, DocString = info.DocString };
        graph.Input.Add(TensorValue(OnnxModelConventions.IdsInput, TensorProto.Types.DataType.Int64, Batch, Length));
        graph.Input.Add(TensorValue(OnnxModelConventions.ValuesInput, TensorProto.Types.DataType.Float, Batch, Length));
        graph.Output.Add(TensorValue(OnnxModelConventions.LogitsOutput, TensorProto.Types.DataType.Float, Batch, k));
        graph.Output.Add(TensorValue(OnnxModelConventions.ProbabilitiesOutput, TensorProto.Types.DataType.Float, Batch, k));

        var half = info.WeightPrecision == OnnxWeightPrecision.Float16;
        graph.Initializer.Add(half ? Float16Tensor("W", weights.Weights.Span, "weights.Weights", d, k) : FloatTensor("W", weights.Weights.Span, d, k));
        graph.Initializer.Add(FloatTensor("b", weights.Bias.Span, k));
        graph.Initializer.Add(Int64Tensor("unsqueeze_axes", 2));
        graph.Initializer.Add(Int64Tensor("reduce_axes", 1));

        if (half)
        {
            graph.Node.Add(Node("Gather", "gather", ["W", OnnxModelConventions.IdsInput], ["gathered_half"], IntAttribute("axis", 0)));
            graph.Node.Add(Node("Cast", "cast_gathered", ["gathered_half"], ["gathered"], IntAttribute("to", (long)TensorProto.Types.DataType.Float)));
        }
        else
        {
            graph.Node.Add(Node("Gather", "gather", ["W", OnnxModelConventions.IdsInput], ["gathered"], IntAttribute("axis", 0)));
        }

        graph.Node.Add(Node("Unsqueeze", "unsqueeze_values", [OnnxModelConventions.ValuesInput, "unsqueeze_axes"], ["values_3d"]));
        graph.Node.Add(Node("Mul", "weigh", ["gathered", "values_3d"], ["weighted"]));
        graph.Node.Add(Node("ReduceSum", "sum_over_length", ["weighted", "reduce_axes"], ["summed"], IntAttribute("keepdims", 0)));
        graph.Node.Add(Node("Add", "add_bias", ["summed", "b"], [OnnxModelConventions.LogitsOutput]));
        graph.Node.Add(Node("Sigmoid", "sigmoid", [OnnxModelConventions.LogitsOutput], [OnnxModelConventions.ProbabilitiesOutput]));

        return Model(graph, info, OnnxModelConventions.SparseKind, d);
    }

    internal static ModelProto BuildDenseLogistic(DenseLogisticWeights weights, OnnxModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(info);
        var f = weights.FeatureCount;
        var h = weights.OutputCount;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(f, "weights.FeatureCount");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(h, "weights.OutputCount");
        RequireLength(weights.Weights.Span, checked((long)h * f), "weights.Weights", "OutputCount × FeatureCount");
        RequireLength(weights.Bias.Span, h, "weights.Bias", "OutputCount");
        RequireFinite(weights.Weights.Span, "weights.Weights");
        RequireFinite(weights.Bias.Span, "weights.Bias");
        if (weights.Mean.HasValue != weights.Std.HasValue)
        {
            throw new ArgumentException("Mean and Std must be given together (or neither).", nameof(weights));
        }

        RequireLabels(info, h);

        var graph = new GraphProto { Name = info.GraphName, DocString = info.DocString };
        graph.Input.Add(TensorValue(OnnxModelConventions.FeaturesInput, TensorProto.Types.DataType.Float, Batch, f));
        graph.Output.Add(TensorValue(OnnxModelConventions.LogitsOutput, TensorProto.Types.DataType.Float, Batch, h));
        graph.Output.Add(TensorValue(OnnxModelConventions.ProbabilitiesOutput, TensorProto.Types.DataType.Float, Batch, h));

        var gemmInput = OnnxModelConventions.FeaturesInput;
        if (weights.Mean is { } mean && weights.Std is { } std)
        {
            RequireLength(mean.Span, f, "weights.Mean", "FeatureCount");
            RequireLength(std.Span, f, "weights.Std", "FeatureCount");
            RequireFinite(mean.Span, "weights.Mean");
            var stdSpan = std.Span;
            for (var i = 0; i < stdSpan.Length; i++)
            {
                if (!float.IsFinite(stdSpan[i]) || stdSpan[i] <= 0)
                {
                    throw new ArgumentException($"weights.Std[{i}] is {stdSpan[i].ToString(CultureInfo.InvariantCulture)}; a standard deviation must be finite and positive (use 1 for a constant feature).", nameof(weights));
                }
            }

            graph.Initializer.Add(FloatTensor("mean", mean.Span, f));
            graph.Initializer.Add(FloatTensor("std", std.Span, f));
            graph.Node.Add(Node("Sub", "center", [OnnxModelConventions.FeaturesInput, "mean"], ["centered"]));
            graph.Node.Add(Node("Div", "scale", ["centered", "std"], ["standardized"]));
            gemmInput = "standardized";
        }

        var half = info.WeightPrecision == OnnxWeightPrecision.Float16;
        graph.Initializer.Add(half ? Float16Tensor("W_half", weights.Weights.Span, "weights.Weights", h, f) : FloatTensor("W", weights.Weights.Span, h, f));
        graph.Initializer.Add(FloatTensor("b", weights.Bias.Span, h));
        if (half)
        {
            graph.Node.Add(Node("Cast", "cast_weights", ["W_half"], ["W"], IntAttribute("to", (long)TensorProto.Types.DataType.Float)));
        }

        graph.Node.Add(Node("Gemm", "linear", [gemmInput, "W", "b"], [OnnxModelConventions.LogitsOutput], IntAttribute("transB", 1)));
        graph.Node.Add(Node("Sigmoid", "sigmoid", [OnnxModelConventions.LogitsOutput], [OnnxModelConventions.ProbabilitiesOutput]));

        return Model(graph, info, OnnxModelConventions.DenseKind, f);
    }

    private static ModelProto Model(GraphProto graph, OnnxModelInfo info, string kind, int featureCount)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = ProducerVersionText,
            ModelVersion = info.ModelVersion,
            DocString = info.DocString,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });

        var properties = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in info.Properties)
        {
            if (string.IsNullOrEmpty(key) || key.StartsWith("safechat.", StringComparison.Ordinal))
            {
                throw new ArgumentException($"info.Properties key '{key}' is empty or reserved (keys starting with 'safechat.' are written by the writer).", nameof(info));
            }

            properties.Add(key, value ?? "");
        }

        properties.Add(OnnxModelConventions.KindKey, kind);
        properties.Add(OnnxModelConventions.FeatureCountKey, featureCount.ToString(CultureInfo.InvariantCulture));
        properties.Add(OnnxModelConventions.WeightTypeKey, info.WeightPrecision == OnnxWeightPrecision.Float16 ? "float16" : "float");
        if (info.Labels.Count > 0)
        {
            properties.Add(OnnxModelConventions.LabelsKey, LabelsJson(info.Labels));
        }

        foreach (var (key, value) in properties)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    private static string ProducerVersionText
        => typeof(OnnxModelWriter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static string LabelsJson(IReadOnlyList<string> labels)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (var label in labels)
            {
                writer.WriteStringValue(label);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static ValueInfoProto TensorValue(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private static NodeProto Node(string opType, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto IntAttribute(string name, long value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static TensorProto FloatTensor(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        if (BitConverter.IsLittleEndian)
        {
            tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        }
        else
        {
            var bytes = new byte[values.Length * sizeof(float)];
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
            }

            tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
        }

        return tensor;
    }

    private static TensorProto Float16Tensor(string name, ReadOnlySpan<float> values, string parameterName, params long[] dims)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            var half = (Half)values[i];
            if (Half.IsInfinity(half))
            {
                throw new ArgumentException(
                    $"{parameterName}[{i}] = {values[i].ToString(CultureInfo.InvariantCulture)} does not fit in float16 (±65504); use OnnxWeightPrecision.Float32.", parameterName);
            }

            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), half);
        }

        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float16 };
        tensor.Dims.AddRange(dims);
        tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
        return tensor;
    }

    private static TensorProto Int64Tensor(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        return tensor;
    }

    private static void RequireLength(ReadOnlySpan<float> values, long expected, string name, string what)
    {
        if (values.Length != expected)
        {
            throw new ArgumentException($"{name} has {values.Length} values but {what} is {expected}.", name);
        }
    }

    private static void RequireFinite(ReadOnlySpan<float> values, string name)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException($"{name}[{i}] is {values[i].ToString(CultureInfo.InvariantCulture)}; every weight must be finite.", name);
            }
        }
    }

    private static void RequireLabels(OnnxModelInfo info, int count)
    {
        if (info.Labels.Count == 0)
        {
            return;
        }

        if (info.Labels.Count != count)
        {
            throw new ArgumentException($"info.Labels has {info.Labels.Count} names but the model has {count} outputs.", nameof(info));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < info.Labels.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(info.Labels[i]) || !seen.Add(info.Labels[i]))
            {
                throw new ArgumentException($"info.Labels[{i}] '{info.Labels[i]}' is empty or repeated.", nameof(info));
            }
        }
    }
}
