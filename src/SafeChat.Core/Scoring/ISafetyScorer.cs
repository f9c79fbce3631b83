using SafeChat.Conversations;

namespace SafeChat.Scoring;

/// <summary>
/// The one seam between the engine and a detection model. The engine asks for per-message signals once per
/// message (cached in its window), then asks for a window-level assessment built from which signals fired and who said them.
/// Implementations must be thread-safe.
/// </summary>
public interface ISafetyScorer
{
    /// <summary>What the scorer is: model ids and versions, its signal list, its default alert thresholds.</summary>
    ScorerDescriptor Descriptor { get; }

    /// <summary>Scores one message (the on-device path).</summary>
    MessageSignals AnalyzeMessage(string text);

    /// <summary>Scores many messages at once (the server path). Returns one result per text, in order.</summary>
    IReadOnlyList<MessageSignals> AnalyzeBatch(IReadOnlyList<string> texts);

    /// <summary>Builds the risk of a conversation window from its messages' signals and their authors.</summary>
    RiskAssessment Assess(IReadOnlyList<WindowMessage> window);
}

/// <summary>Describes a scorer.</summary>
/// <param name="ModelId">The model id (for example <c>safechat-signals-v1</c>).</param>
/// <param name="ModelVersion">A version string recorded in decisions and evidence (model id plus sha256 prefix is a good choice).</param>
/// <param name="SignalNames">The signals, in the order of <see cref="MessageSignals.Probabilities"/>.</param>
/// <param name="AlertThresholds">Default per-harm risk thresholds at which the engine raises an alert.</param>
public sealed record ScorerDescriptor(
    string ModelId,
    string ModelVersion,
    IReadOnlyList<string> SignalNames,
    IReadOnlyDictionary<string, float> AlertThresholds);

/// <summary>Per-message output of a scorer: one probability per signal plus per-harm line scores.</summary>
public sealed class MessageSignals
{
    private readonly float[] _signals;
    private readonly float[] _harms;

    /// <summary>Creates a result. Arrays are owned by this instance afterwards.</summary>
    /// <param name="signalProbabilities">Aligned with <see cref="ScorerDescriptor.SignalNames"/>.</param>
    /// <param name="harmProbabilities">Aligned with <see cref="HarmNames.All"/>: how much this line alone reads like each harm.</param>
    public MessageSignals(float[] signalProbabilities, float[] harmProbabilities)
    {
        _signals = signalProbabilities ?? throw new ArgumentNullException(nameof(signalProbabilities));
        _harms = harmProbabilities ?? throw new ArgumentNullException(nameof(harmProbabilities));
    }

    /// <summary>Signal probabilities, aligned with <see cref="ScorerDescriptor.SignalNames"/>.</summary>
    public ReadOnlySpan<float> Probabilities => _signals;

    /// <summary>Per-harm line probabilities, aligned with <see cref="HarmNames.All"/>.</summary>
    public ReadOnlySpan<float> HarmProbabilities => _harms;

    /// <summary>An empty result (for an empty message).</summary>
    public static MessageSignals Empty(int signalCount) => new(new float[signalCount], new float[HarmNames.All.Count]);
}

/// <summary>A message in the engine's window, as the scorer sees it: no text, only who said it and what fired.</summary>
/// <param name="Index">The message's 0-based position in the conversation.</param>
/// <param name="AuthorId">The sender.</param>
/// <param name="AuthorAge">The sender's age band, where known.</param>
/// <param name="Signals">The message's signals.</param>
/// <param name="AuthorAssurance">
/// How the sender's age band is known. The detector relaxes its grooming gate between minors only for an assured
/// (estimated or verified) minor author; a self-declared or unassured minor band could be an adult's typed-in claim.
/// </param>
public readonly record struct WindowMessage(int Index, string AuthorId, AgeBand AuthorAge, MessageSignals Signals, AgeAssurance AuthorAssurance = AgeAssurance.Unknown);

/// <summary>The risk of a conversation window.</summary>
public sealed class RiskAssessment
{
    /// <summary>Creates an assessment.</summary>
    public RiskAssessment(IReadOnlyDictionary<string, float> harms, IReadOnlyList<AuthorRisk> authors, IReadOnlyList<SignalEvidence> signals)
    {
        Harms = harms;
        Authors = authors;
        Signals = signals;
        float max = 0;
        foreach (var value in harms.Values)
        {
            max = Math.Max(max, value);
        }

        Risk = max;
    }

    /// <summary>Risk per harm in [0,1], keyed by <see cref="HarmNames"/>.</summary>
    public IReadOnlyDictionary<string, float> Harms { get; }

    /// <summary>The highest harm risk.</summary>
    public float Risk { get; }

    /// <summary>Per-author risk, riskiest first.</summary>
    public IReadOnlyList<AuthorRisk> Authors { get; }

    /// <summary>The signals that explain the risk, strongest first.</summary>
    public IReadOnlyList<SignalEvidence> Signals { get; }

    /// <summary>An assessment with no risk.</summary>
    public static RiskAssessment None { get; } = new(
        new Dictionary<string, float> { [HarmNames.Grooming] = 0f, [HarmNames.Sextortion] = 0f }, [], []);
}

/// <summary>How risky one author of a window is.</summary>
/// <param name="AuthorId">The author.</param>
/// <param name="Harms">Risk per harm for this author's side of the conversation.</param>
public sealed record AuthorRisk(string AuthorId, IReadOnlyDictionary<string, float> Harms)
{
    /// <summary>The highest harm risk of this author.</summary>
    public float Risk => Harms.Count == 0 ? 0f : Harms.Values.Max();
}

/// <summary>One signal that fired.</summary>
/// <param name="Signal">The signal name (<see cref="SignalNames"/>).</param>
/// <param name="Harm">The harm it belongs to.</param>
/// <param name="AuthorId">Who said it.</param>
/// <param name="MessageIndex">The message's position in the conversation.</param>
/// <param name="Probability">The signal's probability on that message.</param>
public sealed record SignalEvidence(string Signal, string Harm, string AuthorId, int MessageIndex, float Probability);
