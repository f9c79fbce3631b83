using SafeChat.Conversations;
using SafeChat.Inference;
using SafeChat.Scoring;

namespace SafeChat.Inference.Tests.Detection;

/// <summary>One scorer (the shipped default models) shared by the detection tests.</summary>
public sealed class ScorerFixture : IDisposable
{
    public OnnxSafetyScorer Scorer { get; } = OnnxSafetyScorer.LoadDefault();

    public float Threshold(string harm) => Scorer.Descriptor.AlertThresholds[harm];

    /// <summary>Replays a conversation like the engine: after each message, assess the last 50 messages.</summary>
    public List<RiskAssessment> Replay(IReadOnlyList<(string Author, AgeBand Age, string Text)> messages)
    {
        var signals = Scorer.AnalyzeBatch(messages.Select(m => m.Text).ToList());
        var result = new List<RiskAssessment>();
        for (int t = 0; t < messages.Count; t++)
        {
            var window = new List<WindowMessage>();
            for (int i = Math.Max(0, t - 49); i <= t; i++)
            {
                window.Add(new WindowMessage(i, messages[i].Author, messages[i].Age, signals[i]));
            }

            result.Add(Scorer.Assess(window));
        }

        return result;
    }

    public float Probability(string text, string signal)
    {
        int index = Scorer.Descriptor.SignalNames.ToList().IndexOf(signal);
        return Scorer.AnalyzeMessage(text).Probabilities[index];
    }

    public void Dispose() => Scorer.Dispose();
}
