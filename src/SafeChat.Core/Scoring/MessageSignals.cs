namespace SafeChat.Scoring;

/// <summary>
/// Per-message output of a scorer, as plain data: one probability per signal, one line-level probability per harm,
/// two named context cues, and (for a message scored in several chunks) the per-chunk results. Everything a later stage
/// needs travels in this record, so it survives a round trip through any state store (see <see cref="MessageSignalsCodec"/>).
/// Immutable once built.
/// </summary>
public sealed class MessageSignals
{
    private static readonly IReadOnlyList<MessageSignals> NoChunks = [];

    private readonly float[] _signals;
    private readonly float[] _harms;

    /// <summary>Creates a result with no cues and no chunks. Arrays are owned by this instance afterwards.</summary>
    /// <param name="signalProbabilities">Aligned with <see cref="ScorerDescriptor.SignalNames"/>.</param>
    /// <param name="harmProbabilities">Aligned with <see cref="HarmNames.All"/>: how much this line alone reads like each harm.</param>
    public MessageSignals(float[] signalProbabilities, float[] harmProbabilities)
        : this(signalProbabilities, harmProbabilities, 0f, 0f, null)
    {
    }

    /// <summary>Creates a result. Arrays are owned by this instance afterwards.</summary>
    /// <param name="signalProbabilities">Aligned with <see cref="ScorerDescriptor.SignalNames"/>.</param>
    /// <param name="harmProbabilities">Aligned with <see cref="HarmNames.All"/>: how much this line alone reads like each harm.</param>
    /// <param name="minorCue">How much the line reads as written by a minor, in [0,1] (see <see cref="MinorCue"/>).</param>
    /// <param name="transcriptGrooming">The whole-message grooming score of a pasted log, or 0 (see <see cref="TranscriptGrooming"/>).</param>
    /// <param name="chunks">The per-chunk results of a message scored in several chunks; null or empty otherwise.</param>
    public MessageSignals(
        float[] signalProbabilities,
        float[] harmProbabilities,
        float minorCue,
        float transcriptGrooming,
        IReadOnlyList<MessageSignals>? chunks)
        : this(signalProbabilities, harmProbabilities, minorCue, transcriptGrooming, chunks, 0f, 0f)
    {
    }

    /// <summary>Creates a result with the semantic stage's two scores. Arrays are owned by this instance afterwards.</summary>
    /// <param name="signalProbabilities">Aligned with <see cref="ScorerDescriptor.SignalNames"/>.</param>
    /// <param name="harmProbabilities">Aligned with <see cref="HarmNames.All"/>: how much this line alone reads like each harm.</param>
    /// <param name="minorCue">How much the line reads as written by a minor, in [0,1] (see <see cref="MinorCue"/>).</param>
    /// <param name="transcriptGrooming">The whole-message grooming score of a pasted log, or 0 (see <see cref="TranscriptGrooming"/>).</param>
    /// <param name="chunks">The per-chunk results of a message scored in several chunks; null or empty otherwise.</param>
    /// <param name="semanticAuthor">The semantic stage's score of the line as its author's own words, in (0,1), or 0 for none (see <see cref="SemanticAuthor"/>).</param>
    /// <param name="semanticContext">The semantic stage's score of the line as what the other participants hear, in (0,1), or 0 for none (see <see cref="SemanticContext"/>).</param>
    public MessageSignals(
        float[] signalProbabilities,
        float[] harmProbabilities,
        float minorCue,
        float transcriptGrooming,
        IReadOnlyList<MessageSignals>? chunks,
        float semanticAuthor,
        float semanticContext)
    {
        SemanticAuthor = semanticAuthor;
        SemanticContext = semanticContext;
        _signals = signalProbabilities ?? throw new ArgumentNullException(nameof(signalProbabilities));
        _harms = harmProbabilities ?? throw new ArgumentNullException(nameof(harmProbabilities));
        MinorCue = minorCue;
        TranscriptGrooming = transcriptGrooming;
        Chunks = chunks is null || chunks.Count == 0 ? NoChunks : chunks;
        float salience = 0f;
        foreach (var p in _signals)
        {
            salience = Math.Max(salience, p);
        }

        Salience = salience;
    }

    /// <summary>Signal probabilities, aligned with <see cref="ScorerDescriptor.SignalNames"/>.</summary>
    public ReadOnlySpan<float> Probabilities => _signals;

    /// <summary>Per-harm line probabilities, aligned with <see cref="HarmNames.All"/>.</summary>
    public ReadOnlySpan<float> HarmProbabilities => _harms;

    /// <summary>
    /// How much the line reads as written by a minor ("im 13", "8th grade", "my mom wont let me"), in [0,1]. Never a
    /// public signal: the assessment uses the other participants' strongest cue, because grooming targets a minor.
    /// </summary>
    public float MinorCue { get; }

    /// <summary>
    /// The grooming probability of the whole message read as one pasted chat log (a message long enough to hold one),
    /// or 0 for an ordinary message. 0 means "not a pasted log".
    /// </summary>
    public float TranscriptGrooming { get; }

    /// <summary>
    /// The results of each chunk, when the message was long enough to be scored in several; empty otherwise. The
    /// assessment counts a long message's chunks as separate units, like the messages a pasted log contains.
    /// </summary>
    public IReadOnlyList<MessageSignals> Chunks { get; }

    /// <summary>
    /// The semantic second stage's per-line score when the line is read as its author's own words: the sigmoid of the
    /// line's share of that stage's author log-odds (a static, distilled sentence embedding projected on the stage's
    /// weights). 0 when no semantic stage scored the line. Never a public signal: the assessment averages it over an
    /// author's lines in the window.
    /// </summary>
    public float SemanticAuthor { get; }

    /// <summary>
    /// The semantic second stage's per-line score when the line is read as context by the other participants (what an
    /// author is told), like <see cref="SemanticAuthor"/>. 0 when no semantic stage scored the line.
    /// </summary>
    public float SemanticContext { get; }

    /// <summary>The highest signal probability: how much an older message is worth keeping beyond the window.</summary>
    public float Salience { get; }

    // The conversation store's compact form of these values (see State.QuantizedWindowEntries): a pure function of them,
    // kept so that a message text scored once (the scorer's message cache hands out the same object again) is quantized and
    // rebuilt once, not at every window it enters. Racing writers store equal forms.
    internal object? StoredForm;

    /// <summary>An empty result (for an empty message).</summary>
    public static MessageSignals Empty(int signalCount) => new(new float[signalCount], new float[HarmNames.All.Count]);
}
