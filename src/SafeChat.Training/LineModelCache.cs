using System.Globalization;

namespace SafeChat.Training;

/// <summary>
/// Keeps trained line models on disk (tuning aid, <c>--line-cache</c>): a model is stored under a fingerprint of every
/// line example (features, labels, fold, weight) and the line options, so a cached model is only reused for exactly
/// the data and options it was trained on. The stored floats are the trained ones, so results are unchanged.
/// </summary>
internal sealed class LineModelCache(string directory, string fingerprint)
{
    /// <summary>A 64-bit FNV-1a fingerprint of the examples and the options that shape the line models.</summary>
    public static string Fingerprint(IReadOnlyList<LineExample> examples, TrainingOptions options)
    {
        ulong h = 14695981039346656037UL;
        void Mix(ulong v)
        {
            for (int i = 0; i < 8; i++)
            {
                h ^= (v >> (8 * i)) & 0xFF;
                h *= 1099511628211UL;
            }
        }

        Mix((ulong)examples.Count);
        Mix((ulong)options.Folds);
        Mix(BitConverter.SingleToUInt32Bits(options.LineL2));
        Mix(BitConverter.SingleToUInt32Bits(options.MaxPositiveWeight));
        Mix((ulong)options.Seed);
        Mix(options.Semantic ? (ulong)options.SemanticDimension : 0UL);
        Mix(options.Semantic ? BitConverter.SingleToUInt32Bits(options.SemanticScale) : 0UL);
        foreach (var e in examples)
        {
            Mix((ulong)(long)e.Fold);
            Mix(BitConverter.SingleToUInt32Bits(e.Weight));
            foreach (var l in e.Labels)
            {
                Mix((ulong)(byte)l);
            }

            for (int i = 0; i < e.Features.Indices.Length; i++)
            {
                Mix((ulong)(uint)e.Features.Indices[i] | ((ulong)BitConverter.SingleToUInt32Bits(e.Features.Values[i]) << 32));
            }
        }

        return h.ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>The cached model of that name, or null.</summary>
    public LineModel? Load(string name)
    {
        string path = PathOf(name);
        if (!File.Exists(path))
        {
            return null;
        }

        using var reader = new BinaryReader(File.OpenRead(path));
        var weights = new float[reader.ReadInt32()];
        var bias = new float[reader.ReadInt32()];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = reader.ReadSingle();
        }

        for (int i = 0; i < bias.Length; i++)
        {
            bias[i] = reader.ReadSingle();
        }

        return new LineModel(weights, bias);
    }

    /// <summary>Stores a model under that name (no-op when it is already stored).</summary>
    public void Save(string name, LineModel model)
    {
        string path = PathOf(name);
        if (File.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(directory);
        using var writer = new BinaryWriter(File.Create(path + ".tmp"));
        writer.Write(model.Weights.Length);
        writer.Write(model.Bias.Length);
        foreach (float w in model.Weights)
        {
            writer.Write(w);
        }

        foreach (float b in model.Bias)
        {
            writer.Write(b);
        }

        writer.Dispose();
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private string PathOf(string name) => Path.Combine(directory, $"{fingerprint}-{name}.bin");
}
