using System.Globalization;

namespace SafeChat.Training.Semantic;

/// <summary>
/// <c>safechat-train distill-encoder --vocab FILE --out FILE [--semantic-dim N]</c>: distils the semantic table for a
/// vocabulary on its own (what <c>--semantic</c> does inside training) and writes its binary form, to inspect it.
/// </summary>
internal static class DistillEncoderCommand
{
    public const string Usage = "usage: safechat-train distill-encoder --vocab FILE --out FILE [--semantic-dim N] [--seed N]";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? vocab = null, output = null;
        int dimension = 64, seed = 42;
        for (int i = 0; i < args.Length; i++)
        {
            if (i + 1 >= args.Length)
            {
                stderr.WriteLine($"distill-encoder: option {args[i]} needs a value. {Usage}");
                return 2;
            }

            string value = args[++i];
            switch (args[i - 1])
            {
                case "--vocab": vocab = value; break;
                case "--out": output = value; break;
                case "--semantic-dim" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int d) && d is >= 1 and <= 384: dimension = d; break;
                case "--seed" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int s): seed = s; break;
                default:
                    stderr.WriteLine($"distill-encoder: unexpected '{args[i - 1]} {value}'. {Usage}");
                    return 2;
            }
        }

        if (vocab is null || output is null)
        {
            stderr.WriteLine(Usage);
            return 2;
        }

        if (!File.Exists(vocab))
        {
            stderr.WriteLine($"distill-encoder: {vocab}: no such file.");
            return 1;
        }

        var tokens = File.ReadAllLines(vocab);
        using var encoder = MiniLmEncoder.Load();
        var embeddings = encoder.Encode(SemanticTable.EncoderTexts(tokens), progress: n =>
        {
            if (n % 5120 == 0)
            {
                stdout.WriteLine($"encoded {n} of {tokens.Length} tokens");
            }
        });
        var table = SemanticTable.Distill(embeddings, dimension, seed);
        using (var stream = File.Create(output))
        {
            table.Write(stream);
        }

        stdout.WriteLine($"{output}: {table.Describe()} (encoder {MiniLmEncoder.ModelName}, model.onnx sha256 {encoder.ModelSha256})");
        return 0;
    }
}
