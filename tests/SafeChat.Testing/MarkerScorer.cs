using System.Collections.Concurrent;
using System.Globalization;
using SafeChat.Scoring;

namespace SafeChat.Testing;

/// <summary>
/// A deterministic scorer for testing the engine's plumbing (not detection): a marker such as <c>[secrecy]</c> in a
/// message fires that signal with probability 0.9, <c>[secrecy:0.4]</c> with 0.4. An author's risk for a harm is
/// 0.25 per distinct signal of that harm that fired (≥ 0.5) on their messages in the window, capped at 1.
/// Alert thresholds by default: grooming 0.75 (three distinct signals), sextortion 0.5 (two). The one fake scorer
/// shared by every test project.
/// </summary>
public sealed class MarkerScorer : ISafetyScorer
{
    public const float DefaultMarkerProbability = 0.9f;
    private int _analyzeCalls;
    private int _batchCalls;
    private int _longestText;

    /// <summary>
    /// Natural-language markers for tests that send ordinary chat lines (the server and sample tests): a line holding
    /// one of these (case-insensitive) fires the signal like its <c>[signal]</c> marker would.
    /// </summary>
    public static IReadOnlyList<(string Keyword, string Signal)> ChatKeywords { get; } =
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

    private readonly IReadOnlyList<(string Keyword, string Signal)> _keywords;

    /// <summary>Creates the scorer with its alert thresholds and, optionally, natural-language keywords (<see cref="ChatKeywords"/>).</summary>
    public MarkerScorer(float groomingThreshold = 0.75f, float sextortionThreshold = 0.5f, IReadOnlyList<(string Keyword, string Signal)>? keywords = null)
    {
        _keywords = keywords ?? [];
        Descriptor = new ScorerDescriptor(
            "marker-test",
            "marker-test-1",
            SignalNames.All,
            new Dictionary<string, float> { [HarmNames.Grooming] = groomingThreshold, [HarmNames.Sextortion] = sextortionThreshold });
    }

    public ScorerDescriptor Descriptor { get; }

    public int AnalyzeCalls => Volatile.Read(ref _analyzeCalls);

    public int BatchCalls => Volatile.Read(ref _batchCalls);

    public int LongestText => Volatile.Read(ref _longestText);

    public ConcurrentQueue<string> SeenTexts { get; } = new();

    /// <summary>The last window passed to <see cref="Assess"/> (for single-threaded tests).</summary>
    public IReadOnlyList<WindowMessage> LastWindow { get; private set; } = [];

    /// <summary>The size of <see cref="LastWindow"/>.</summary>
    public int LastWindowSize => LastWindow.Count;

    public MessageSignals AnalyzeMessage(string text)
    {
        Interlocked.Increment(ref _analyzeCalls);
        return Analyze(text);
    }

    public IReadOnlyList<MessageSignals> AnalyzeBatch(IReadOnlyList<string> texts)
    {
        Interlocked.Increment(ref _batchCalls);
        return texts.Select(Analyze).ToArray();
    }

    public RiskAssessment Assess(IReadOnlyList<WindowMessage> window)
    {
        LastWindow = window;
        var names = Descriptor.SignalNames;
        var fired = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var evidence = new Dictionary<(string Author, string Signal), SignalEvidence>();
        foreach (var message in window)
        {
            var probabilities = message.Signals.Probabilities;
            for (var i = 0; i < probabilities.Length; i++)
            {
                if (probabilities[i] < 0.5f)
                {
                    continue;
                }

                if (!fired.TryGetValue(message.AuthorId, out var set))
                {
                    fired[message.AuthorId] = set = [];
                }

                set.Add(names[i]);
                var key = (message.AuthorId, names[i]);
                if (!evidence.TryGetValue(key, out var existing) || existing.Probability < probabilities[i])
                {
                    evidence[key] = new SignalEvidence(names[i], SignalNames.HarmOf(names[i])!, message.AuthorId, message.Index, probabilities[i]);
                }
            }
        }

        var authors = fired
            .Select(pair => new AuthorRisk(pair.Key, HarmNames.All.ToDictionary(
                harm => harm,
                harm => Math.Min(1f, 0.25f * pair.Value.Count(signal => SignalNames.HarmOf(signal) == harm)))))
            .OrderByDescending(author => author.Risk)
            .ToList();
        var harms = HarmNames.All.ToDictionary(
            harm => harm,
            harm => authors.Count == 0 ? 0f : authors.Max(author => author.Harms[harm]));
        var signals = evidence.Values.OrderByDescending(e => e.Probability).ThenBy(e => e.MessageIndex).ToList();
        return new RiskAssessment(harms, authors, signals);
    }

    private MessageSignals Analyze(string text)
    {
        SeenTexts.Enqueue(text.Length > 256 ? text.Substring(0, 256) : text);
        int current;
        while ((current = Volatile.Read(ref _longestText)) < text.Length
            && Interlocked.CompareExchange(ref _longestText, text.Length, current) != current)
        {
        }

        var names = Descriptor.SignalNames;
        var probabilities = new float[names.Count];
        if (_keywords.Count > 0)
        {
            var lower = text.ToLowerInvariant();
            foreach (var (keyword, signal) in _keywords)
            {
                if (lower.Contains(keyword, StringComparison.Ordinal))
                {
                    probabilities[IndexOf(names, signal)] = DefaultMarkerProbability;
                }
            }
        }

        for (var i = 0; i < names.Count; i++)
        {
            var marker = "[" + names[i];
            var at = text.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var after = at + marker.Length;
            if (after < text.Length && text[after] == ']')
            {
                probabilities[i] = DefaultMarkerProbability;
            }
            else if (after < text.Length && text[after] == ':')
            {
                var close = text.IndexOf(']', after);
                if (close > after && float.TryParse(text.AsSpan(after + 1, close - after - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var p))
                {
                    probabilities[i] = p;
                }
            }
        }

        var harms = HarmNames.All
            .Select(harm => names.Select((name, i) => SignalNames.HarmOf(name) == harm ? probabilities[i] : 0f).DefaultIfEmpty(0f).Max())
            .ToArray();
        return new MessageSignals(probabilities, harms);
    }

    private static int IndexOf(IReadOnlyList<string> names, string signal)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == signal)
            {
                return i;
            }
        }

        throw new ArgumentException($"Unknown signal '{signal}'.", nameof(signal));
    }
}
