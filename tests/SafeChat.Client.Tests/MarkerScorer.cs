using SafeChat.Scoring;

namespace SafeChat.Client.Tests;

/// <summary>
/// A small deterministic scorer for tests: a signal fires on a message when the text holds its marker, for example
/// <c>[secrecy]</c>. An author's risk for a harm is 0.25 per distinct signal of that harm they fired in the window
/// (capped at 1); the conversation's risk is the highest author risk.
/// </summary>
internal sealed class MarkerScorer : ISafetyScorer
{
    public ScorerDescriptor Descriptor { get; } = new(
        "marker-test",
        "marker-test@0001",
        SignalNames.All,
        new Dictionary<string, float> { [HarmNames.Grooming] = 0.5f, [HarmNames.Sextortion] = 0.5f });

    /// <summary>The size of the last window the scorer was asked to assess.</summary>
    public int LastWindowSize { get; private set; }

    public MessageSignals AnalyzeMessage(string text)
    {
        var probabilities = new float[SignalNames.All.Count];
        for (var i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = text.Contains($"[{SignalNames.All[i]}]", StringComparison.Ordinal) ? 0.95f : 0.02f;
        }

        var harms = new float[HarmNames.All.Count];
        return new MessageSignals(probabilities, harms);
    }

    public IReadOnlyList<MessageSignals> AnalyzeBatch(IReadOnlyList<string> texts) => texts.Select(AnalyzeMessage).ToArray();

    public RiskAssessment Assess(IReadOnlyList<WindowMessage> window)
    {
        LastWindowSize = window.Count;
        var fired = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var evidence = new List<SignalEvidence>();
        foreach (var message in window)
        {
            var probabilities = message.Signals.Probabilities;
            for (var i = 0; i < probabilities.Length; i++)
            {
                if (probabilities[i] < 0.5f)
                {
                    continue;
                }

                var signal = SignalNames.All[i];
                if (!fired.TryGetValue(message.AuthorId, out var set))
                {
                    fired[message.AuthorId] = set = [];
                }

                set.Add(signal);
                evidence.Add(new SignalEvidence(signal, SignalNames.HarmOf(signal)!, message.AuthorId, message.Index, probabilities[i]));
            }
        }

        var authors = fired
            .Select(p => new AuthorRisk(p.Key, HarmNames.All.ToDictionary(
                h => h,
                h => Math.Min(1f, 0.25f * p.Value.Count(s => SignalNames.HarmOf(s) == h)))))
            .OrderByDescending(a => a.Risk)
            .ToArray();
        var harms = HarmNames.All.ToDictionary(h => h, h => authors.Length == 0 ? 0f : authors.Max(a => a.Harms[h]));
        return new RiskAssessment(harms, authors, evidence.OrderByDescending(e => e.Probability).ToArray());
    }
}
