using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SafeChat.Training.Semantic;

/// <summary>
/// A static token-embedding table over SafeChat's own WordPiece vocabulary (Model2Vec-style distillation): each token's
/// text ("##" stripped) encoded alone by a sentence encoder, reduced by PCA to <see cref="Dimension"/> components and
/// quantized to int8 with one scale per row. Special tokens ([PAD], [UNK], [...]) get a zero row.
/// </summary>
internal sealed class SemanticTable
{
    private readonly sbyte[] _values;
    private readonly float[] _scales;

    public SemanticTable(sbyte[] values, float[] scales, int dimension)
    {
        if (dimension <= 0 || values.Length != (long)scales.Length * dimension)
        {
            throw new ArgumentException($"a table of {scales.Length} rows × {dimension} needs {(long)scales.Length * dimension} values, not {values.Length}.", nameof(values));
        }

        _values = values;
        _scales = scales;
        Dimension = dimension;
    }

    /// <summary>Number of rows (vocabulary tokens).</summary>
    public int Rows => _scales.Length;

    /// <summary>Components per row.</summary>
    public int Dimension { get; }

    /// <summary>Share of the encoder embeddings' variance the kept components explain (set by <see cref="Distill"/>).</summary>
    public double ExplainedVariance { get; init; }

    /// <summary>Writes the dequantized row of token <paramref name="token"/> into <paramref name="destination"/>.</summary>
    public void Row(int token, Span<float> destination)
    {
        float scale = _scales[token];
        var row = _values.AsSpan(token * Dimension, Dimension);
        for (int j = 0; j < Dimension; j++)
        {
            destination[j] = row[j] * scale;
        }
    }

    /// <summary>SHA-256 (hex) of the table's bytes (rows, dimension, int8 values, float scales; little-endian).</summary>
    public string Sha256()
    {
        using var buffer = new MemoryStream();
        Write(buffer);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>The binary form: "SCSEM1", rows (int32), dimension (int32), rows × dimension int8 values, rows float scales.</summary>
    public void Write(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write("SCSEM1"u8);
        writer.Write(Rows);
        writer.Write(Dimension);
        foreach (var v in _values)
        {
            writer.Write(v);
        }

        foreach (var s in _scales)
        {
            writer.Write(s);
        }
    }

    /// <summary>The vocabulary tokens' texts as given to the encoder: "##" stripped, special tokens empty.</summary>
    public static string[] EncoderTexts(IReadOnlyList<string> vocabulary) =>
        [.. vocabulary.Select(t => t.StartsWith('[') && t.EndsWith(']') ? "" : t.StartsWith("##", StringComparison.Ordinal) ? t[2..] : t)];

    /// <summary>Distills the table from per-token encoder embeddings (zero rows stay zero).</summary>
    public static SemanticTable Distill(float[][] embeddings, int dimension, int seed)
    {
        int rows = embeddings.Length;
        int width = embeddings.FirstOrDefault(e => e.Length > 0)?.Length ?? 0;
        if (width == 0 || dimension <= 0 || dimension > width)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"must be in [1, {width}] (the encoder's width).");
        }

        var live = Enumerable.Range(0, rows).Where(i => embeddings[i].Any(v => v != 0f)).ToArray();
        var mean = new double[width];
        foreach (int i in live)
        {
            for (int k = 0; k < width; k++)
            {
                mean[k] += embeddings[i][k];
            }
        }

        for (int k = 0; k < width; k++)
        {
            mean[k] /= Math.Max(1, live.Length);
        }

        var (components, explained) = Pca.TopComponents(live.Select(i => embeddings[i]).ToArray(), mean, dimension, seed);
        var values = new sbyte[(long)rows * dimension];
        var scales = new float[rows];
        var projected = new double[dimension];
        foreach (int i in live)
        {
            double max = 0;
            for (int c = 0; c < dimension; c++)
            {
                double dot = 0;
                for (int k = 0; k < width; k++)
                {
                    dot += (embeddings[i][k] - mean[k]) * components[c][k];
                }

                projected[c] = dot;
                max = Math.Max(max, Math.Abs(dot));
            }

            float scale = max == 0 ? 0f : (float)(max / 127.0);
            scales[i] = scale;
            for (int c = 0; c < dimension; c++)
            {
                values[((long)i * dimension) + c] = scale == 0f ? (sbyte)0 : (sbyte)Math.Clamp(Math.Round(projected[c] / scale), -127, 127);
            }
        }

        return new SemanticTable(values, scales, dimension) { ExplainedVariance = explained };
    }

    /// <summary>A one-line description for the model card.</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Rows} tokens × {Dimension} PCA components ({ExplainedVariance:P1} of the encoder variance), int8 with one float scale per row, sha256 {Sha256()}");
}
