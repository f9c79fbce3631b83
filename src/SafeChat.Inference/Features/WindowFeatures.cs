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

        for (int i = 0; i < window.Count; i++)
        {
            var message = window[i];
            int a = _authors.IndexOf(message.AuthorId);
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
            }
            else
            {
                _longMessageUnits[a] += chunks.Count;
                for (int c = 0; c < chunks.Count; c++)
                {
                    _units[a].Add(chunks[c]);
                    _unitMessageIndex[a].Add(message.Index);
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
