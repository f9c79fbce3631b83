using SafeChat.Conversations;
using SafeChat.Scoring;

namespace SafeChat.Server.Tests.Support;

/// <summary>
/// A small deterministic scorer for server tests (the real ONNX scorer is exercised by the sample's browser test):
/// keywords fire signals; an author's harm risk is 0.25 per distinct signal of that harm they fired in the window.
/// </summary>
public sealed class KeywordScorer : ISafetyScorer
{
    private static readonly (string Keyword, string Signal)[] Keywords =
    [
        ("how old", SignalNames.AgeProbe), ("asl", SignalNames.AgeProbe),
        ("mature", SignalNames.Flattery), ("so cool", SignalNames.Flattery),
        ("robux", SignalNames.Gifts), ("gift card", SignalNames.Gifts),
        ("parents home", SignalNames.RiskCheck), ("alone", SignalNames.RiskCheck),
        ("secret", SignalNames.Secrecy), ("dont tell", SignalNames.Secrecy),
        ("snap", SignalNames.OffPlatform), ("whatsapp", SignalNames.OffPlatform),
        ("pic", SignalNames.ImageRequest), ("cam", SignalNames.ImageRequest),
        ("meet", SignalNames.Meeting), ("address", SignalNames.Meeting),
        ("i have your", SignalNames.ImageClaim), ("your followers", SignalNames.ThreatAudience),
        ("pay me", SignalNames.PaymentDemand), ("tick tock", SignalNames.Deadline),
    ];

    private static readonly string[] Signals = [.. SignalNames.All];

    public ScorerDescriptor Descriptor { get; } = new(
        "keyword-test",
        "keyword-test-1",
        Signals,
        new Dictionary<string, float> { [HarmNames.Grooming] = 0.5f, [HarmNames.Sextortion] = 0.5f });

    public MessageSignals AnalyzeMessage(string text)
    {
        var lower = text.ToLowerInvariant();
        var probabilities = new float[Signals.Length];
        foreach (var (keyword, signal) in Keywords)
        {
            if (lower.Contains(keyword, StringComparison.Ordinal))
            {
                probabilities[Array.IndexOf(Signals, signal)] = 0.9f;
            }
        }

        var harms = new float[HarmNames.All.Count];
        for (var i = 0; i < Signals.Length; i++)
        {
            var harm = SignalNames.HarmOf(Signals[i]) == HarmNames.Grooming ? 0 : 1;
            harms[harm] = Math.Max(harms[harm], probabilities[i]);
        }

        return new MessageSignals(probabilities, harms);
    }

    public IReadOnlyList<MessageSignals> AnalyzeBatch(IReadOnlyList<string> texts) => [.. texts.Select(AnalyzeMessage)];

    public RiskAssessment Assess(IReadOnlyList<WindowMessage> window)
    {
        var perAuthor = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var evidence = new List<SignalEvidence>();
        foreach (var message in window)
        {
            var probabilities = message.Signals.Probabilities;
            for (var i = 0; i < probabilities.Length; i++)
            {
                if (probabilities[i] >= 0.5f)
                {
                    if (!perAuthor.TryGetValue(message.AuthorId, out var fired))
                    {
                        perAuthor[message.AuthorId] = fired = [];
                    }

                    fired.Add(Signals[i]);
                    evidence.Add(new SignalEvidence(Signals[i], SignalNames.HarmOf(Signals[i])!, message.AuthorId, message.Index, probabilities[i]));
                }
            }
        }

        var authors = new List<AuthorRisk>();
        var total = new Dictionary<string, float> { [HarmNames.Grooming] = 0f, [HarmNames.Sextortion] = 0f };
        foreach (var (author, fired) in perAuthor)
        {
            var harms = new Dictionary<string, float>
            {
                [HarmNames.Grooming] = Math.Min(1f, 0.25f * fired.Count(s => SignalNames.HarmOf(s) == HarmNames.Grooming)),
                [HarmNames.Sextortion] = Math.Min(1f, 0.25f * fired.Count(s => SignalNames.HarmOf(s) == HarmNames.Sextortion)),
            };
            authors.Add(new AuthorRisk(author, harms));
            foreach (var (harm, risk) in harms)
            {
                total[harm] = Math.Max(total[harm], risk);
            }
        }

        return new RiskAssessment(total, [.. authors.OrderByDescending(a => a.Risk)], [.. evidence.OrderByDescending(e => e.Probability)]);
    }

    /// <summary>Signals as the scorer would produce them with a given author, for store tests.</summary>
    public static WindowMessage Message(int index, string author, AgeBand age, float salience) =>
        new(index, author, age, new MessageSignals([salience, .. new float[Signals.Length - 1]], [salience, 0f]));
}
