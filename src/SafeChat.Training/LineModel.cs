using SafeChat.Inference.Features;
using SafeChat.Scoring;

namespace SafeChat.Training;

/// <summary>The heads of the per-message model, in output order: the signals, then one line-level head per harm, then minor_cue.</summary>
internal static class LineHeads
{
    public const string GroomingLine = "grooming_line";
    public const string SextortionLine = "sextortion_line";

    public static IReadOnlyList<string> All { get; } = [.. SignalNames.All, .. ModelLayout.LineHarmHeads, ModelLayout.MinorCueHead];

    /// <summary>Number of line-level harm heads (one per harm).</summary>
    public static int HarmCount => ModelLayout.LineHarmHeads.Count;

    /// <summary>Index of the line head of harm <paramref name="harm"/> (an index into <see cref="HarmNames.All"/>).</summary>
    public static int LineIndex(int harm) => SignalCount + harm;

    public static int Count => All.Count;

    public static int SignalCount => SignalNames.All.Count;

    public static int GroomingLineIndex => SignalCount;

    public static int SextortionLineIndex => SignalCount + 1;

    public static int MinorCueIndex => SignalCount + HarmCount;
}

/// <summary>A trained sparse multi-label linear model: W is [D, K] row-major (as in the ONNX graph), b is [K].</summary>
internal sealed class LineModel(float[] weights, float[] bias)
{
    public float[] Weights { get; } = weights;

    public float[] Bias { get; } = bias;

    /// <summary>Rows of W: the hash buckets, plus one per vocabulary token when the model has semantic rows.</summary>
    public int Dimension => Weights.Length / Heads;

    public int Heads => Bias.Length;

    /// <summary>The model with every weight rounded to float16, as stored in the ONNX file (so managed and ONNX scores agree).</summary>
    public LineModel RoundedToHalf() =>
        new(Array.ConvertAll(Weights, w => (float)(Half)w), (float[])Bias.Clone());

    /// <summary>The model with one more head appended as the last output column (rows past the head's weights get 0).</summary>
    public LineModel WithHead(float[] headWeights, float headBias)
    {
        int k = Heads;
        int d = Dimension;
        var weights = new float[d * (k + 1)];
        for (int i = 0; i < d; i++)
        {
            Array.Copy(Weights, i * k, weights, i * (k + 1), k);
            weights[(i * (k + 1)) + k] = i < headWeights.Length ? headWeights[i] : 0f;
        }

        return new LineModel(weights, [.. Bias, headBias]);
    }

    /// <summary>Managed scoring (for out-of-fold predictions during training; the runtime uses ONNX).</summary>
    public float[] Predict(SparseVector x)
    {
        int k = Heads;
        var z = (float[])Bias.Clone();
        for (int i = 0; i < x.Indices.Length; i++)
        {
            int row = x.Indices[i] * k;
            float v = x.Values[i];
            for (int h = 0; h < k; h++)
            {
                z[h] += Weights[row + h] * v;
            }
        }

        for (int h = 0; h < k; h++)
        {
            z[h] = 1f / (1f + MathF.Exp(-z[h]));
        }

        return z;
    }

    /// <summary>Scores every chunk of a message and returns per-chunk <see cref="MessageSignals"/>.</summary>
    public MessageSignals[] PredictChunks(SparseVector[] chunks)
    {
        var result = new MessageSignals[chunks.Length];
        for (int c = 0; c < chunks.Length; c++)
        {
            // Every head the runtime passes on (line heads, minor cue): the aggregator must learn from the same inputs
            // it gets at runtime. A chunk carries no transcript score.
            result[c] = ModelLayout.FromOutputRow(Predict(chunks[c]), LineHeads.SignalCount);
        }

        return result;
    }
}
