using System.Buffers;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SafeChat.Inference.Models;

namespace SafeChat.Inference.Onnx;

/// <summary>
/// Runs one of SafeChat's linear ONNX models (sparse multi-label or dense logistic) in ONNX Runtime and returns the
/// <c>probabilities</c> output.
/// </summary>
/// <remarks>
/// One <see cref="InferenceSession"/> per model, disposed with this object. Every call rents its own input and output
/// buffers from <see cref="ArrayPool{T}"/> and pins them with <see cref="OrtValue.CreateTensorValueFromMemory{T}(OrtMemoryInfo, Memory{T}, long[])"/>,
/// so concurrent calls are safe (ONNX Runtime sessions allow concurrent <c>Run</c>). Do not dispose while calls run.
/// </remarks>
internal sealed class OnnxLinearModel : IDisposable
{
    private static readonly string[] SparseInputNames = [OnnxModelConventions.IdsInput, OnnxModelConventions.ValuesInput];
    private static readonly string[] DenseInputNames = [OnnxModelConventions.FeaturesInput];
    private static readonly string[] OutputNames = [OnnxModelConventions.ProbabilitiesOutput];

    private readonly InferenceSession _session;
    private readonly SessionOptions _sessionOptions;
    private readonly RunOptions _runOptions;
    private readonly string _name;
    private bool _disposed;

    private OnnxLinearModel(InferenceSession session, SessionOptions sessionOptions, string name)
    {
        _session = session;
        _sessionOptions = sessionOptions;
        _name = name;
        _runOptions = new RunOptions();
        try
        {
            Signature = ReadSignature(session, name);
        }
        catch
        {
            _runOptions.Dispose();
            throw;
        }
    }

    /// <summary>The graph's inputs, outputs and metadata as the session reports them.</summary>
    public OnnxGraphSignature Signature { get; }

    /// <summary>Sparse (ids/values) or dense (features).</summary>
    public OnnxLinearModelKind Kind => Signature.Kind;

    /// <summary>
    /// Dense: F, the width of <c>features</c>. Sparse: D, the number of rows of W (ids must be below it) when the
    /// model says so in its metadata, else <c>-1</c> (then ONNX Runtime itself rejects ids past the end).
    /// </summary>
    public int FeatureCount => Signature.FeatureCount;

    /// <summary>K: the number of probabilities per row (labels for the sparse model, heads for the dense one).</summary>
    public int OutputCount => Signature.OutputCount;

    /// <summary>The model's <c>metadata_props</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata => Signature.Metadata;

    /// <summary>Creates a model from an ONNX file.</summary>
    public static OnnxLinearModel FromFile(string path, OnnxLinearModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Create(o => new InferenceSession(path, o), path, options);
    }

    /// <summary>Creates a model from ONNX bytes.</summary>
    public static OnnxLinearModel FromBytes(byte[] model, OnnxLinearModelOptions? options = null, string name = "model.onnx")
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(o => new InferenceSession(model, o), name, options);
    }

    /// <summary>Creates a model from a hash-checked model directory and checks the graph against its card.</summary>
    /// <exception cref="ModelCardException">The card's inputs, outputs or labels do not match the graph.</exception>
    public static OnnxLinearModel FromVerified(VerifiedModel model, OnnxLinearModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var result = FromBytes(model.ModelArray, options, $"{model.SourceName}/{ModelCard.ModelFileName}");
        try
        {
            result.CheckAgainst(model.Card, $"{model.SourceName}/{ModelCard.CardFileName}");
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Checks that the card describes this graph: input and output names, element types, shapes and label count.</summary>
    /// <exception cref="ModelCardException">A difference, naming the card's JSON path.</exception>
    public void CheckAgainst(ModelCard card, string cardFileName = ModelCard.CardFileName) => Signature.CheckAgainst(card, cardFileName);

    /// <summary>Scores one sparse row.</summary>
    /// <param name="ids">Feature ids, each in [0, <see cref="FeatureCount"/>).</param>
    /// <param name="values">One value per id.</param>
    /// <param name="probabilities">Receives <see cref="OutputCount"/> probabilities.</param>
    public void Run(ReadOnlySpan<long> ids, ReadOnlySpan<float> values, Span<float> probabilities)
    {
        ReadOnlySpan<int> rowLengths = [ids.Length];
        RunBatch(ids, values, rowLengths, probabilities);
    }

    /// <summary>Scores B sparse rows in one call; rows are padded (id 0, value 0) to the longest.</summary>
    /// <param name="ids">The ids of all rows, concatenated.</param>
    /// <param name="values">The values of all rows, concatenated (same length as <paramref name="ids"/>).</param>
    /// <param name="rowLengths">B row lengths; they sum to the length of <paramref name="ids"/>.</param>
    /// <param name="probabilities">Receives B × <see cref="OutputCount"/> probabilities, row by row.</param>
    public void RunBatch(ReadOnlySpan<long> ids, ReadOnlySpan<float> values, ReadOnlySpan<int> rowLengths, Span<float> probabilities)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RequireKind(OnnxLinearModelKind.Sparse);
        if (ids.Length != values.Length)
        {
            throw new ArgumentException($"ids has {ids.Length} elements but values has {values.Length}; they must match.", nameof(values));
        }

        var rows = rowLengths.Length;
        ArgumentOutOfRangeException.ThrowIfZero(rows, nameof(rowLengths));
        long total = 0;
        var longest = 1;
        for (var r = 0; r < rows; r++)
        {
            if (rowLengths[r] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(rowLengths), rowLengths[r], $"rowLengths[{r}] is negative.");
            }

            total += rowLengths[r];
            longest = Math.Max(longest, rowLengths[r]);
        }

        if (total != ids.Length)
        {
            throw new ArgumentException($"rowLengths sum to {total} but ids has {ids.Length} elements.", nameof(rowLengths));
        }

        var outputLength = checked(rows * OutputCount);
        RequireOutput(probabilities, outputLength);
        for (var i = 0; i < ids.Length; i++)
        {
            if (ids[i] < 0 || (FeatureCount > 0 && ids[i] >= FeatureCount))
            {
                throw new ArgumentOutOfRangeException(nameof(ids), ids[i], $"ids[{i}] is outside [0, {(FeatureCount > 0 ? FeatureCount.ToString(CultureInfo.InvariantCulture) : "D")}).");
            }
        }

        RequireFinite(values, nameof(values));

        var padded = checked(rows * longest);
        var idBuffer = ArrayPool<long>.Shared.Rent(padded);
        var valueBuffer = ArrayPool<float>.Shared.Rent(padded);
        var outputBuffer = ArrayPool<float>.Shared.Rent(outputLength);
        try
        {
            var idsPadded = idBuffer.AsSpan(0, padded);
            var valuesPadded = valueBuffer.AsSpan(0, padded);
            if (longest == ids.Length && rows == 1)
            {
                ids.CopyTo(idsPadded);
                values.CopyTo(valuesPadded);
            }
            else
            {
                var offset = 0;
                for (var r = 0; r < rows; r++)
                {
                    var length = rowLengths[r];
                    var rowIds = idsPadded.Slice(r * longest, longest);
                    var rowValues = valuesPadded.Slice(r * longest, longest);
                    ids.Slice(offset, length).CopyTo(rowIds);
                    values.Slice(offset, length).CopyTo(rowValues);
                    rowIds[length..].Clear();
                    rowValues[length..].Clear();
                    offset += length;
                }
            }

            long[] inputShape = [rows, longest];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, idBuffer.AsMemory(0, padded), inputShape);
            using var valuesValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, valueBuffer.AsMemory(0, padded), inputShape);
            using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, outputBuffer.AsMemory(0, outputLength), [rows, OutputCount]);
            _session.Run(_runOptions, SparseInputNames, [idsValue, valuesValue], OutputNames, [outputValue]);
            outputBuffer.AsSpan(0, outputLength).CopyTo(probabilities);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(idBuffer);
            ArrayPool<float>.Shared.Return(valueBuffer);
            ArrayPool<float>.Shared.Return(outputBuffer);
        }
    }

    /// <summary>Scores dense rows (the conversation aggregator).</summary>
    /// <param name="features">rows × <see cref="FeatureCount"/> values, row by row.</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="probabilities">Receives rows × <see cref="OutputCount"/> probabilities, row by row.</param>
    public void RunDense(ReadOnlySpan<float> features, int rows, Span<float> probabilities)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RequireKind(OnnxLinearModelKind.Dense);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        var inputLength = checked(rows * FeatureCount);
        if (features.Length != inputLength)
        {
            throw new ArgumentException($"features has {features.Length} values but {rows} rows of {FeatureCount} need {inputLength}.", nameof(features));
        }

        RequireFinite(features, nameof(features));
        var outputLength = checked(rows * OutputCount);
        RequireOutput(probabilities, outputLength);
        var inputBuffer = ArrayPool<float>.Shared.Rent(inputLength);
        var outputBuffer = ArrayPool<float>.Shared.Rent(outputLength);
        try
        {
            features.CopyTo(inputBuffer);
            using var featuresValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputBuffer.AsMemory(0, inputLength), [rows, FeatureCount]);
            using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, outputBuffer.AsMemory(0, outputLength), [rows, OutputCount]);
            _session.Run(_runOptions, DenseInputNames, [featuresValue], OutputNames, [outputValue]);
            outputBuffer.AsSpan(0, outputLength).CopyTo(probabilities);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(inputBuffer);
            ArrayPool<float>.Shared.Return(outputBuffer);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _session.Dispose();
        _runOptions.Dispose();
        _sessionOptions.Dispose();
    }

    private static OnnxLinearModel Create(Func<SessionOptions, InferenceSession> open, string name, OnnxLinearModelOptions? options)
    {
        options ??= new OnnxLinearModelOptions();
        options.Validate();
        var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpNumThreads,
            InterOpNumThreads = options.InterOpNumThreads,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = options.OptimizationLevel,
        };
        InferenceSession? session = null;
        try
        {
            try
            {
                session = open(sessionOptions);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new InvalidDataException($"{name}: ONNX Runtime could not load the model: {ex.Message}", ex);
            }

            return new OnnxLinearModel(session, sessionOptions, name);
        }
        catch
        {
            session?.Dispose();
            sessionOptions.Dispose();
            throw;
        }
    }

    private static OnnxGraphSignature ReadSignature(InferenceSession session, string name)
    {
        var metadata = new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap, StringComparer.Ordinal);
        return new OnnxGraphSignature(name, Describe(session.InputNames, session.InputMetadata), Describe(session.OutputNames, session.OutputMetadata), metadata);
    }

    private static OnnxTensorInfo[] Describe(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> nodes)
    {
        var result = new OnnxTensorInfo[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var node = nodes[names[i]];
            result[i] = new OnnxTensorInfo(names[i], (int)node.ElementDataType, TypeName(node.ElementDataType), node.Dimensions, node.SymbolicDimensions);
        }

        return result;
    }

    private void RequireKind(OnnxLinearModelKind kind)
    {
        if (Kind != kind)
        {
            throw new InvalidOperationException($"{_name} is a {Kind} model; use {(Kind == OnnxLinearModelKind.Sparse ? "Run/RunBatch" : "RunDense")}.");
        }
    }

    private static void RequireFinite(ReadOnlySpan<float> values, string name)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException($"{name}[{i}] is {values[i].ToString(CultureInfo.InvariantCulture)}; inputs must be finite.", name);
            }
        }
    }

    private static void RequireOutput(Span<float> probabilities, int needed)
    {
        if (probabilities.Length < needed)
        {
            throw new ArgumentException($"probabilities has room for {probabilities.Length} values but {needed} are needed.", nameof(probabilities));
        }
    }

    internal static string TypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float",
        TensorElementType.Float16 => "float16",
        TensorElementType.Double => "double",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        TensorElementType.Int8 => "int8",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.Bool => "bool",
        TensorElementType.String => "string",
        _ => type.ToString().ToLowerInvariant(),
    };
}
