using SafeChat.Conversations;
using SafeChat.Scoring;

namespace SafeChat.Inference.Features;

/// <summary>
/// Groups a window by author (first appearance order) and computes each author's <see cref="RiskFeatures"/>.
/// A message scored in several chunks contributes its chunks as units, so one very long message (a pasted chat
/// with no author markers) is treated like the messages it contains.
/// </summary>
internal sealed class WindowFeatures
{
    private readonly List<string> _authors = [];
    private readonly List<AgeBand> _ages = [];
    private readonly List<bool> _assured = [];
    private readonly List<List<MessageSignals>> _units = [];
    private readonly List<List<int>> _unitMessageIndex = [];
    private readonly List<int> _longMessageUnits = [];
    private readonly List<int> _transcriptUnits = [];
    private readonly List<float> _transcript = [];
    private readonly List<MessageSignals> _pooled = [];
    private readonly List<int> _pooledMessageIndex = [];
    private readonly List<int> _pooledAuthor = [];
    private float[] _features = [];
    private float[] _minorCue = [];

    // Per-author unit summaries, gathered while the units are grouped (one pass instead of one per gate and for the
    // evidence): each signal's strongest probability and the message index of its first strongest unit, each harm's
    // strongest line probability (Math.Max in unit order), and how many units have a fired livestream signal. Only when
    // every unit has the same numbers of signals and harms (_signalStride, _harmStride); otherwise HasSummaries is false.
    private float[] _best = [];
    private int[] _bestIndex = [];
    private float[] _harmMax = [];
    private int[] _livestreamUnits = [];
    // Whether any unit of the author has any signal at or above RiskFeatures.FiredThreshold (most authors have none).
    private bool[] _anyFired = [];
    private int _signalStride;
    private int _harmStride;
    private bool _summaries;

    // Scratch arrays of one assessment (an instance serves one assessment at a time, on one thread): the scorer's raw and
    // scored rows, the authors it must score and their memo keys, without an array pool round trip per message.
    private float[] _riskOutput = [];
    private float[] _riskScored = [];
    private int[] _missedAuthors = [];
    private Caching.TextKey[] _authorKeys = [];

    private static readonly int LivestreamHarm = HarmIndex(HarmNames.LivestreamCoercion);
    private static readonly int LivestreamFirst = Enumerable.Range(0, LivestreamHarm).Sum(g => SignalNames.Of(HarmNames.All[g]).Count);
    private static readonly int LivestreamCount = SignalNames.Of(HarmNames.LivestreamCoercion).Count;

    /// <summary>A scratch array of at least <paramref name="length"/> floats for the aggregator's rows (contents undefined).</summary>
    public float[] RiskOutput(int length) => _riskOutput.Length >= length ? _riskOutput : _riskOutput = new float[Math.Max(length, 64)];

    /// <summary>A second scratch array of at least <paramref name="length"/> floats, for the rows scored in one run.</summary>
    public float[] RiskScored(int length) => _riskScored.Length >= length ? _riskScored : _riskScored = new float[Math.Max(length, 64)];

    /// <summary>A scratch array of at least <paramref name="length"/> author positions.</summary>
    public int[] MissedAuthors(int length) => _missedAuthors.Length >= length ? _missedAuthors : _missedAuthors = new int[Math.Max(length, 16)];

    /// <summary>A second scratch array of at least <paramref name="length"/> author positions.</summary>
    public int[] PendingAuthors(int length) => _pendingAuthors.Length >= length ? _pendingAuthors : _pendingAuthors = new int[Math.Max(length, 16)];

    private int[] _pendingAuthors = [];

    /// <summary>A scratch array of at least <paramref name="length"/> memo keys.</summary>
    public Caching.TextKey[] AuthorKeys(int length) => _authorKeys.Length >= length ? _authorKeys : _authorKeys = new Caching.TextKey[Math.Max(length, 16)];

    /// <summary>
    /// The authors of the previous assessment made with this object (their units by reference, their other inputs and
    /// their raw rows; see <c>SafetyScorerCore.RunWithMemo</c>), and the one being built.
    /// </summary>
    public AuthorRows LastRows { get; set; } = new();

    /// <summary>The <see cref="AuthorRows"/> being built (swapped with <see cref="LastRows"/> after each assessment).</summary>
    public AuthorRows CurrentRows { get; set; } = new();

    /// <summary>A scratch array of at least <paramref name="length"/> words (an author's memo key input).</summary>
    public uint[] KeyWords(int length) => _keyWords.Length >= length ? _keyWords : _keyWords = new uint[Math.Max(length, 256)];

    private uint[] _keyWords = [];

    /// <summary>
    /// The author records the assessments made with this object built, by author position (see
    /// <c>RiskAssessmentBuilder.Build</c>), and how many positions hold one.
    /// </summary>
    public AuthorRisk[] PreviousAuthors { get; set; } = [];

    /// <summary>How many positions of <see cref="PreviousAuthors"/> hold a record.</summary>
    public int PreviousAuthorCount { get; set; }

    /// <summary>
    /// The conversation-level harms of the last assessment built with these features (this thread's), handed out again
    /// by <see cref="RiskAssessmentBuilder"/> when the next one's are bit for bit the same (it is immutable).
    /// </summary>
    public HarmValues? PreviousConversation { get; set; }

    /// <summary>Scratch for the conversation-level harms while an assessment is built (copied out when kept).</summary>
    public float[] ConversationScratch { get; set; } = [];

    /// <summary>Authors in first-appearance order.</summary>
    public IReadOnlyList<string> Authors => _authors;

    /// <summary>Units (messages or chunks) of each author.</summary>
    public IReadOnlyList<List<MessageSignals>> Units => _units;

    /// <summary>The conversation message index of each unit of each author.</summary>
    public IReadOnlyList<List<int>> UnitMessageIndex => _unitMessageIndex;

    /// <summary>Features, row-major [authors, <see cref="RiskFeatures.Count"/>].</summary>
    public ReadOnlySpan<float> Features => _features.AsSpan(0, _authors.Count * RiskFeatures.Count);

    /// <summary>The features array (may be longer than needed).</summary>
    public float[] FeatureBuffer => _features;

    /// <summary>
    /// The share of an author's units that come from pasted logs (messages with a transcript score) and the strongest
    /// transcript score among them.
    /// </summary>
    public (float Share, float Transcript) TranscriptOf(int author)
    {
        int units = _units[author].Count;
        return units == 0 ? (0f, 0f) : (_transcriptUnits[author] / (float)units, _transcript[author]);
    }

    /// <summary>
    /// Whether the author could be grooming someone in this window by the known age bands: false when every other
    /// author is a known adult, or when the author is a known minor and every other author is a known minor too (a teen
    /// with a known child is still a possible case).
    /// Unknown ages always leave the possibility open. An author's minor band counts only when it is assured (estimated or
    /// verified, <see cref="Participant.IsAgeAssured"/>): a self-declared "14" could be an adult's claim, so such an author
    /// is gated like an unknown-age one. Other authors' minor bands count whatever their assurance (a claim only protects).
    /// </summary>
    public bool HasPossibleGroomingTarget(int author)
    {
        bool authorMinor = _assured[author] && (_ages[author] is AgeBand.Child or AgeBand.Teen);
        bool authorTeen = _assured[author] && _ages[author] == AgeBand.Teen;
        bool others = false;
        for (int b = 0; b < _authors.Count; b++)
        {
            if (b == author)
            {
                continue;
            }

            others = true;
            var age = _ages[b];
            bool minorTarget = age is AgeBand.Child or AgeBand.Teen;
            if (age == AgeBand.Unknown || (!authorMinor && minorTarget) || (authorTeen && age == AgeBand.Child))
            {
                return true;
            }
        }

        // Alone in the window (no reply yet) or only known adults / (for a minor author) only known minors.
        return !others;
    }

    /// <summary>
    /// Whether the window reads as a chat among same-age minors by the declared ages alone: the author declares a minor
    /// band (with any assurance) and every other author declares that same band. Unlike
    /// <see cref="HasPossibleGroomingTarget"/>, an unassured claim counts here, so this only ever asks for stronger
    /// evidence, never clears an author.
    /// </summary>
    public bool IsDeclaredPeerChat(int author)
    {
        var band = _ages[author];
        if (band is not (AgeBand.Child or AgeBand.Teen) || _authors.Count < 2)
        {
            return false;
        }

        for (int b = 0; b < _authors.Count; b++)
        {
            if (_ages[b] != band)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The strongest minor cue (see <see cref="ModelLayout.MinorCueHead"/>) of an author's own units.</summary>
    public float OwnMinorCue(int author) => _minorCue[author];

    /// <summary>The author's age band as the window knows it (first known band).</summary>
    public AgeBand AgeOf(int author) => _ages[author];

    /// <summary>Fewest participants for a room-level assessment (see <see cref="RoomTarget"/>).</summary>
    public const int RoomMinAuthors = 3;

    /// <summary>
    /// The participant a room-level assessment reads the others as directing, or -1: needs at least
    /// <see cref="RoomMinAuthors"/> authors. A known child or teen band wins (the youngest band, then the most units);
    /// with no known minor, the author with the strongest own minor cue at or above <see cref="RiskFeatures.FiredThreshold"/>
    /// that is also stronger than every other author's.
    /// </summary>
    public int RoomTarget()
    {
        if (_authors.Count < RoomMinAuthors)
        {
            return -1;
        }

        int best = -1;
        for (int a = 0; a < _authors.Count; a++)
        {
            if (_ages[a] is not (AgeBand.Child or AgeBand.Teen))
            {
                continue;
            }

            if (best < 0 || (_ages[a] == AgeBand.Child && _ages[best] == AgeBand.Teen)
                || (_ages[a] == _ages[best] && _units[a].Count > _units[best].Count))
            {
                best = a;
            }
        }

        if (best >= 0)
        {
            return best;
        }

        for (int a = 0; a < _authors.Count; a++)
        {
            if (_ages[a] != AgeBand.Adult && _minorCue[a] >= RiskFeatures.FiredThreshold && (best < 0 || _minorCue[a] > _minorCue[best]))
            {
                best = a;
            }
        }

        float second = 0f;
        for (int a = 0; a < _authors.Count; a++)
        {
            second = a == best ? second : Math.Max(second, _minorCue[a]);
        }

        return best >= 0 && _minorCue[best] > second ? best : -1;
    }

    /// <summary>Units of the pooled pseudo-author of the last <see cref="BuildRoom"/>.</summary>
    public IReadOnlyList<MessageSignals> PooledUnits => _pooled;

    /// <summary>The conversation message index of each pooled unit.</summary>
    public IReadOnlyList<int> PooledMessageIndex => _pooledMessageIndex;

    /// <summary>The author (index into <see cref="Authors"/>) of each pooled unit.</summary>
    public IReadOnlyList<int> PooledAuthor => _pooledAuthor;

    /// <summary>
    /// The inputs of <paramref name="author"/>'s <see cref="RiskFeatures"/> besides the units: how many units are chunks
    /// of long messages, the age band the model sees, whether another author is a known minor, and the others' strongest
    /// minor cue, and how many other authors the window has.
    /// </summary>
    public void AuthorInputs(int author, out int longMessageUnits, out AgeBand authorAge, out bool othersMinor, out float othersCue, out int otherAuthors)
    {
        otherAuthors = _authors.Count - 1;
        othersCue = 0;
        for (int b = 0; b < _authors.Count; b++)
        {
            if (b != author)
            {
                othersCue = Math.Max(othersCue, _minorCue[b]);
            }
        }

        othersMinor = false;
        for (int b = 0; b < _authors.Count; b++)
        {
            if (b != author && _ages[b] is AgeBand.Child or AgeBand.Teen)
            {
                othersMinor = true;
                break;
            }
        }

        // The author's own minor band enters the model only when assured: an unassured "14" could be an adult's claim
        // and must not lower their risk. Other authors' minor bands count whatever their assurance (they only protect).
        authorAge = (_ages[author] is AgeBand.Child or AgeBand.Teen) && !_assured[author] ? AgeBand.Unknown : _ages[author];
        longMessageUnits = _longMessageUnits[author];
    }

    /// <summary>Writes <paramref name="author"/>'s <see cref="RiskFeatures"/> row into <paramref name="destination"/>.</summary>
    public void ComputeAuthor(int author, Span<float> destination)
    {
        AuthorInputs(author, out int longUnits, out var authorAge, out bool othersMinor, out float othersCue, out int otherAuthors);
        RiskFeatures.Compute(_units[author], longUnits, authorAge, othersMinor, othersCue, otherAuthors, destination);
    }

    /// <summary>
    /// Pools the units of every author except <paramref name="target"/> into one pseudo-author and writes its
    /// <see cref="RiskFeatures"/> into row <see cref="Authors"/>.Count of <see cref="FeatureBuffer"/> (grown as needed).
    /// The pseudo-author has unknown age; the target's minor band and minor cue are its "others".
    /// </summary>
    public void BuildRoom(int target)
    {
        _pooled.Clear();
        _pooledMessageIndex.Clear();
        _pooledAuthor.Clear();
        int longUnits = 0;
        for (int a = 0; a < _authors.Count; a++)
        {
            if (a == target)
            {
                continue;
            }

            _pooled.AddRange(_units[a]);
            _pooledMessageIndex.AddRange(_unitMessageIndex[a]);
            for (int u = 0; u < _units[a].Count; u++)
            {
                _pooledAuthor.Add(a);
            }

            longUnits += _longMessageUnits[a];
        }

        int f = RiskFeatures.Count;
        int row = _authors.Count;
        if (_features.Length < (row + 1) * f)
        {
            Array.Resize(ref _features, (row + 1) * f);
        }

        bool targetMinor = _ages[target] is AgeBand.Child or AgeBand.Teen;
        RiskFeatures.Compute(_pooled, longUnits, AgeBand.Unknown, targetMinor, _minorCue[target], _authors.Count - 1, _features.AsSpan(row * f, f));
    }

    /// <summary>Whether any author of the window has a known age band.</summary>
    public bool AnyKnownAge
    {
        get
        {
            // A loop, not LINQ: read once per author per assessment.
            for (int a = 0; a < _ages.Count; a++)
            {
                if (_ages[a] != AgeBand.Unknown)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// How strongly another participant of the window is a minor: 1 when one has a known child or teen age band, else
    /// the strongest <see cref="ModelLayout.MinorCueHead"/> score among the others' units.
    /// </summary>
    public float OthersMinorEvidence(int author)
    {
        float evidence = 0f;
        for (int b = 0; b < _authors.Count; b++)
        {
            if (b == author)
            {
                continue;
            }

            if (_ages[b] is AgeBand.Child or AgeBand.Teen)
            {
                return 1f;
            }

            evidence = Math.Max(evidence, _minorCue[b]);
        }

        return evidence;
    }

    /// <summary>
    /// Whether the per-author unit summaries (<see cref="BestSignals"/>, <see cref="BestMessageIndex"/>,
    /// <see cref="MaxHarm"/>, <see cref="LivestreamUnits"/>) were gathered: every unit has the same numbers of signals and harms.
    /// </summary>
    public bool HasSummaries => _summaries;

    /// <summary>Each signal's strongest probability over the author's units (0 when none is above 0).</summary>
    public ReadOnlySpan<float> BestSignals(int author) => _best.AsSpan(author * _signalStride, _signalStride);

    /// <summary>The message index of the first unit with each signal's strongest probability, or -1 when none is above 0.</summary>
    public ReadOnlySpan<int> BestMessageIndex(int author) => _bestIndex.AsSpan(author * _signalStride, _signalStride);

    /// <summary>The author's strongest line probability of a harm (0 when the units have no such harm).</summary>
    public float MaxHarm(int author, int harm) => harm < _harmStride ? _harmMax[(author * _harmStride) + harm] : 0f;

    /// <summary>How many of the author's units have a fired (at least <see cref="RiskFeatures.FiredThreshold"/>) livestream signal.</summary>
    public int LivestreamUnits(int author) => _livestreamUnits[author];

    /// <summary>
    /// Whether any of the author's units has any signal at or above <see cref="RiskFeatures.FiredThreshold"/>: exactly when
    /// some value of <see cref="BestSignals"/> reaches it.
    /// </summary>
    public bool AnyFired(int author) => _anyFired[author];

    private static int HarmIndex(string harm)
    {
        for (int h = 0; h < HarmNames.All.Count; h++)
        {
            if (HarmNames.All[h] == harm)
            {
                return h;
            }
        }

        throw new InvalidOperationException($"Unknown harm '{harm}'.");
    }

    // _authors.IndexOf(id): the store hands out one string per author, so a reference match (the only equal value, as the
    // authors are distinct) is tried first; another string with the same value still finds its author.
    private int AuthorIndex(string id)
    {
        for (int a = 0; a < _authors.Count; a++)
        {
            if (ReferenceEquals(_authors[a], id))
            {
                return a;
            }
        }

        return _authors.IndexOf(id);
    }

    // Sizes the summaries for authors [0, authors) and clears author `author`'s.
    private void StartSummary(int author)
    {
        int authors = author + 1;
        if (_livestreamUnits.Length < authors || _best.Length < authors * _signalStride || _harmMax.Length < authors * _harmStride)
        {
            int size = Math.Max(authors, Math.Max(4, _livestreamUnits.Length * 2));
            Array.Resize(ref _livestreamUnits, size);
            Array.Resize(ref _anyFired, size);
            Array.Resize(ref _best, size * _signalStride);
            Array.Resize(ref _bestIndex, size * _signalStride);
            Array.Resize(ref _harmMax, size * _harmStride);
        }

        _best.AsSpan(author * _signalStride, _signalStride).Clear();
        _bestIndex.AsSpan(author * _signalStride, _signalStride).Fill(-1);
        _harmMax.AsSpan(author * _harmStride, _harmStride).Clear();
        _livestreamUnits[author] = 0;
        _anyFired[author] = false;
    }

    private void Summarize(int author, MessageSignals unit, int messageIndex)
    {
        var p = unit.Probabilities;
        var harms = unit.HarmProbabilities;
        if (p.Length != _signalStride || harms.Length != _harmStride)
        {
            _summaries = false;
            return;
        }

        var best = _best.AsSpan(author * _signalStride, _signalStride);
        var bestIndex = _bestIndex.AsSpan(author * _signalStride, _signalStride);
        bool fired = false;
        int s = 0;
#if NET
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            // The same comparisons as the loop below, several signals at a time: an ordered greater-than (false for NaN)
            // picks the new value and the message index exactly where the loop would assign them.
            int width = System.Numerics.Vector<float>.Count;
            var index = new System.Numerics.Vector<int>(messageIndex);
            var threshold = new System.Numerics.Vector<float>(RiskFeatures.FiredThreshold);
            for (; s <= p.Length - width; s += width)
            {
                var value = new System.Numerics.Vector<float>(p.Slice(s));
                var strongest = new System.Numerics.Vector<float>(best.Slice(s));
                var stronger = System.Numerics.Vector.GreaterThan(value, strongest);
                System.Numerics.Vector.ConditionalSelect(stronger, value, strongest).CopyTo(best.Slice(s));
                System.Numerics.Vector.ConditionalSelect(stronger, index, new System.Numerics.Vector<int>(bestIndex.Slice(s))).CopyTo(bestIndex.Slice(s));
                fired |= System.Numerics.Vector.GreaterThanOrEqualAny(value, threshold);
            }
        }
#endif

        for (; s < p.Length; s++)
        {
            if (p[s] > best[s])
            {
                best[s] = p[s];
                bestIndex[s] = messageIndex;
            }

            fired |= p[s] >= RiskFeatures.FiredThreshold;
        }

        _anyFired[author] |= fired;

        var harmMax = _harmMax.AsSpan(author * _harmStride, _harmStride);
        for (int h = 0; h < harms.Length; h++)
        {
            harmMax[h] = Math.Max(harmMax[h], harms[h]);
        }

        bool livestream = false;
        for (int i = 0; i < LivestreamCount && LivestreamFirst + i < p.Length; i++)
        {
            livestream |= p[LivestreamFirst + i] >= RiskFeatures.FiredThreshold;
        }

        _livestreamUnits[author] += livestream ? 1 : 0;
    }

    /// <summary>Builds the features of a window. A message scored in chunks contributes its <see cref="MessageSignals.Chunks"/> as units.</summary>
    public void Build(IReadOnlyList<WindowMessage> window) => Build(window, computeFeatures: true);

    /// <summary>
    /// Builds the window's units and author context; with <paramref name="computeFeatures"/> false the per-author
    /// feature rows are left for <see cref="ComputeAuthor"/> (the caller may already know some authors' risk).
    /// </summary>
    public void Build(IReadOnlyList<WindowMessage> window, bool computeFeatures)
    {
        ArgumentNullException.ThrowIfNull(window);
        _authors.Clear();
        _ages.Clear();
        _assured.Clear();
        _longMessageUnits.Clear();
        _transcriptUnits.Clear();
        _transcript.Clear();
        foreach (var list in _units)
        {
            list.Clear();
        }

        foreach (var list in _unitMessageIndex)
        {
            list.Clear();
        }

        _summaries = window.Count > 0;
        if (_summaries)
        {
            var first = window[0].Signals.Chunks.Count > 0 ? window[0].Signals.Chunks[0] : window[0].Signals;
            _signalStride = first.Probabilities.Length;
            _harmStride = first.HarmProbabilities.Length;
        }

        // The store's windows are arrays: read them directly (no interface call per message).
        var array = window as WindowMessage[];
        int count = window.Count;
        for (int i = 0; i < count; i++)
        {
            var message = array is not null ? array[i] : window[i];
            int a = AuthorIndex(message.AuthorId);
            if (a < 0)
            {
                a = _authors.Count;
                _authors.Add(message.AuthorId);
                _ages.Add(message.AuthorAge);
                _assured.Add(message.AuthorAssurance >= Participant.MinorAgeTrustedFrom);
                _longMessageUnits.Add(0);
                _transcriptUnits.Add(0);
                _transcript.Add(0f);
                if (_units.Count <= a)
                {
                    _units.Add([]);
                    _unitMessageIndex.Add([]);
                }

                StartSummary(a);
            }
            else if (_ages[a] == AgeBand.Unknown && message.AuthorAge != AgeBand.Unknown)
            {
                _ages[a] = message.AuthorAge;
                _assured[a] = message.AuthorAssurance >= Participant.MinorAgeTrustedFrom;
            }

            var chunks = message.Signals.Chunks;
            float transcript = message.Signals.TranscriptGrooming;
            if (transcript > 0f)
            {
                _transcriptUnits[a] += Math.Max(chunks.Count, 1);
                _transcript[a] = Math.Max(_transcript[a], transcript);
            }

            if (chunks.Count == 0)
            {
                _units[a].Add(message.Signals);
                _unitMessageIndex[a].Add(message.Index);
                if (_summaries)
                {
                    Summarize(a, message.Signals, message.Index);
                }
            }
            else
            {
                _longMessageUnits[a] += chunks.Count;
                for (int c = 0; c < chunks.Count; c++)
                {
                    _units[a].Add(chunks[c]);
                    _unitMessageIndex[a].Add(message.Index);
                    if (_summaries)
                    {
                        Summarize(a, chunks[c], message.Index);
                    }
                }
            }
        }

        int f = RiskFeatures.Count;
        if (_features.Length < _authors.Count * f)
        {
            _features = new float[Math.Max(_authors.Count, 4) * f];
        }

        if (_minorCue.Length < _authors.Count)
        {
            _minorCue = new float[Math.Max(_authors.Count, 4)];
        }

        for (int a = 0; a < _authors.Count; a++)
        {
            _minorCue[a] = RiskFeatures.MaxMinorCue(_units[a]);
        }

        if (!computeFeatures)
        {
            return;
        }

        for (int a = 0; a < _authors.Count; a++)
        {
            ComputeAuthor(a, _features.AsSpan(a * f, f));
        }
    }
}
