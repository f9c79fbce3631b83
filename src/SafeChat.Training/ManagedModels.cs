using SafeChat.Inference.Features;
using SafeChat.Scoring;

namespace SafeChat.Training;

/// <summary>Managed twin of the signals ONNX graph (used before export and to check export parity).</summary>
internal sealed class ManagedSignalModel(LineModel model) : ISignalModel
{
    public int Outputs => model.Heads;

    public void Run(long[] ids, float[] values, int rows, float[] output)
    {
        int l = MessageFeaturizer.MaxFeaturesPerChunk;
        int k = model.Heads;
        for (int r = 0; r < rows; r++)
        {
            var z = output.AsSpan(r * k, k);
            model.Bias.CopyTo(z);
            for (int j = 0; j < l; j++)
            {
                float v = values[(r * l) + j];
                if (v == 0f)
                {
                    continue;
                }

                int row = (int)ids[(r * l) + j] * k;
                for (int h = 0; h < k; h++)
                {
                    z[h] += model.Weights[row + h] * v;
                }
            }

            for (int h = 0; h < k; h++)
            {
                z[h] = 1f / (1f + MathF.Exp(-z[h]));
            }
        }
    }

    public void RunRow(ReadOnlySpan<long> ids, ReadOnlySpan<float> values, Span<float> output)
    {
        int k = model.Heads;
        var z = output[..k];
        model.Bias.CopyTo(z);
        for (int j = 0; j < ids.Length; j++)
        {
            int row = (int)ids[j] * k;
            for (int h = 0; h < k; h++)
            {
                z[h] += model.Weights[row + h] * values[j];
            }
        }

        for (int h = 0; h < k; h++)
        {
            z[h] = 1f / (1f + MathF.Exp(-z[h]));
        }
    }
}

/// <summary>Managed twin of the aggregator ONNX graph.</summary>
internal sealed class ManagedRiskModel(AggregatorModel model) : IRiskModel
{
    public void Run(float[] features, int rows, float[] output)
    {
        int f = RiskFeatures.Count;
        int k = HarmNames.All.Count;
        for (int r = 0; r < rows; r++)
        {
            for (int h = 0; h < k; h++)
            {
                output[(r * k) + h] = model.Predict(features.AsSpan(r * f, f), h);
            }
        }
    }
}

/// <summary>An <see cref="ISafetyScorer"/> over managed models: same core as the ONNX scorer.</summary>
internal sealed class ManagedSafetyScorer(SafetyScorerCore core) : ISafetyScorer
{
    public ScorerDescriptor Descriptor => core.Descriptor;

    public MessageSignals AnalyzeMessage(string text) => core.AnalyzeMessage(text);

    public IReadOnlyList<MessageSignals> AnalyzeBatch(IReadOnlyList<string> texts) => core.AnalyzeBatch(texts);

    public RiskAssessment Assess(IReadOnlyList<WindowMessage> window) => core.Assess(window);
}
