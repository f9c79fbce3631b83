using SafeChat.Scoring;

namespace SafeChat.Inference.Features;

/// <summary>Builds the public <see cref="RiskAssessment"/> from per-author aggregator outputs and the window's units.</summary>
internal static class RiskAssessmentBuilder
{
    private static readonly IReadOnlyList<SignalEvidence> NoEvidence = [];

    /// <summary>
    /// Builds the assessment. <paramref name="authorHarms"/> is row-major [authors, harms] aligned with
    /// <see cref="WindowFeatures.Authors"/> and <see cref="HarmNames.All"/>.
    /// </summary>
    /// <param name="window">The window's features.</param>
    /// <param name="authorHarms">Per-author risk, row-major [authors, harms].</param>
    /// <param name="signalNames">The signal names in model output order.</param>
    /// <param name="room">
    /// The room-level risk, or null. Its livestream-coercion risk also counts towards the conversation's risk (a group
    /// directing one child is a conversation-level alert); its grooming risk is reported in <see cref="RiskAssessment.Room"/> only.
    /// </param>
    public static RiskAssessment Build(WindowFeatures window, ReadOnlySpan<float> authorHarms, IReadOnlyList<string> signalNames, RoomRisk? room = null)
    {
        int authorCount = window.Authors.Count;
        if (authorCount == 0)
        {
            return RiskAssessment.None;
        }

        int k = HarmNames.All.Count;
        // The conversation's harms are worked out in scratch and kept in a new array only when no immutable harms object
        // already holds exactly these values (see ConversationHarms).
        if (window.ConversationScratch.Length != k)
        {
            window.ConversationScratch = new float[k];
        }

        var conversation = window.ConversationScratch;
        Array.Clear(conversation, 0, k);
        var authors = new AuthorRisk[authorCount];
        // Each author's Risk (its harms' maximum), worked out once for the sort below instead of in every comparison.
#if NET
        var ranked = authorCount > 1 ? RankBuffer(authorCount) : null;
#else
        Ranked[]? ranked = null;
#endif
        List<SignalEvidence>? evidence = null;
        var previous = window.PreviousAuthors;
        int previousCount = window.PreviousAuthorCount;
        if (previous.Length < authorCount)
        {
            var grown = new AuthorRisk[Math.Max(authorCount, 16)];
            previous.AsSpan(0, previousCount).CopyTo(grown);
            window.PreviousAuthors = previous = grown;
        }

        for (int a = 0; a < authorCount; a++)
        {
            var row = authorHarms.Slice(a * k, k);
            for (int h = 0; h < k; h++)
            {
                conversation[h] = Math.Max(conversation[h], row[h]);
            }

            float[] harms;
            if (a < previousCount && Reusable(previous[a], window.Authors[a], row) is { } same)
            {
                // An earlier assessment with these features (this thread's) gave this author (the same id string) exactly
                // these values: the same immutable record, not a new one. A conversation's consecutive windows usually list
                // the same authors in the same order, and all but the sender keep their values.
                authors[a] = same.Author;
                harms = same.Values;
            }
            else
            {
                harms = row.ToArray();
                authors[a] = new AuthorRisk(window.Authors[a], new HarmValues(harms));
                previous[a] = authors[a];
            }

            if (ranked is not null)
            {
                // The same value as AuthorRisk.Risk: Harms.Count is k > 0 and Harms.Values is this array.
                ranked[a] = new Ranked(Enumerable.Max(harms), authors[a]);
            }

            AddEvidence(window, a, signalNames, ref evidence);
        }

        window.PreviousAuthorCount = Math.Max(previousCount, authorCount);

        if (room is not null && room.Harms.TryGetValue(HarmNames.LivestreamCoercion, out var roomLivestream))
        {
            int h = LivestreamIndex;
            conversation[h] = Math.Max(conversation[h], roomLivestream);
        }

#if NET
        if (ranked is not null)
        {
            // The same sort (ArraySortHelper's introsort with a comparison) over the same risks as
            // Array.Sort(authors, (x, y) => y.Risk.CompareTo(x.Risk)) makes the same swaps, so the same order; each
            // comparison reads a number instead of enumerating two authors' harms.
            var span = ranked.AsSpan(0, authorCount);
            span.Sort(static (x, y) => y.Risk.CompareTo(x.Risk));
            for (int a = 0; a < authorCount; a++)
            {
                authors[a] = span[a].Author;
            }

            span.Clear();
        }
#else
        Array.Sort(authors, static (x, y) => y.Risk.CompareTo(x.Risk));
#endif

        var conversationHarms = ConversationHarms(window, conversation, authors);
        if (evidence is null)
        {
            // Most windows have no fired signal: the shared empty list.
            return new RiskAssessment(conversationHarms, authors, NoEvidence, room);
        }

        evidence.Sort(static (x, y) => y.Probability != x.Probability ? y.Probability.CompareTo(x.Probability) : x.MessageIndex.CompareTo(y.MessageIndex));
        return new RiskAssessment(conversationHarms, authors, evidence, room);
    }

    // The conversation-level harms as an immutable object: an author's own harms when they are bit for bit these values
    // (the riskiest author often has every harm's maximum), else the previous assessment's on this thread when they are,
    // else a new one over a copy of the scratch. The same values either way; only fewer objects.
    private static HarmValues ConversationHarms(WindowFeatures window, float[] conversation, AuthorRisk[] authors)
    {
        for (int a = 0; a < authors.Length; a++)
        {
            if (authors[a].Harms is HarmValues own && SameBits(own.Span, conversation))
            {
                window.PreviousConversation = own;
                return own;
            }
        }

        if (window.PreviousConversation is { } previous && SameBits(previous.Span, conversation))
        {
            return previous;
        }

        var copy = new float[conversation.Length];
        conversation.AsSpan().CopyTo(copy);
        var made = new HarmValues(copy);
        window.PreviousConversation = made;
        return made;
    }

    private static bool SameBits(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    // HarmNames.All is fixed: the livestream-coercion position is found once, not with a list copy per room message.
    private static readonly int LivestreamIndex = HarmNames.All.ToList().IndexOf(HarmNames.LivestreamCoercion);

    // Per thread, reused by Build: (risk, author) pairs to sort (cleared after each sort, so no author is kept alive).
    [ThreadStatic]
    private static Ranked[]? t_ranked;

    private static Ranked[] RankBuffer(int count)
    {
        var buffer = t_ranked;
        if (buffer is null || buffer.Length < count)
        {
            t_ranked = buffer = new Ranked[Math.Max(count, 16)];
        }

        return buffer;
    }

    private readonly record struct Ranked(float Risk, AuthorRisk Author);

    // The record when it is for the same author id (the same string) with bit-identical values (so -0 and 0, or two NaN
    // payloads, are never confused), with its values array.
    private static (AuthorRisk Author, float[] Values)? Reusable(AuthorRisk? candidate, string authorId, ReadOnlySpan<float> values)
    {
        if (candidate is null || !ReferenceEquals(candidate.AuthorId, authorId) || candidate.Harms is not HarmValues known)
        {
            return null;
        }

        var span = known.Span;
        if (span.Length != values.Length)
        {
            return null;
        }

        for (int i = 0; i < span.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(span[i]) != BitConverter.SingleToInt32Bits(values[i]))
            {
                return null;
            }
        }

        return (candidate, known.ValuesArray);
    }

    private static void AddEvidence(WindowFeatures window, int author, IReadOnlyList<string> signalNames, ref List<SignalEvidence>? evidence)
    {
        int signals = signalNames.Count;
        if (window.HasSummaries)
        {
            if (!window.AnyFired(author))
            {
                // No strongest value reaches the threshold (most authors): nothing to add.
                return;
            }

            // The strongest unit of each signal was kept while the units were grouped (the first one on a tie).
            var strongest = window.BestSignals(author);
            var at = window.BestMessageIndex(author);
            for (int s = 0; s < signals && s < strongest.Length; s++)
            {
                if (at[s] >= 0 && strongest[s] >= RiskFeatures.FiredThreshold)
                {
                    string signal = signalNames[s];
                    (evidence ??= []).Add(new SignalEvidence(signal, SignalNames.HarmOf(signal) ?? string.Empty, window.Authors[author], at[s], strongest[s]));
                }
            }

            return;
        }

        var units = window.Units[author];
        var indices = window.UnitMessageIndex[author];

        // One pass over the units keeps each signal's strongest unit (the first one on a tie, as a per-signal scan would).
        Span<float> best = signals <= 256 ? stackalloc float[signals] : new float[signals];
        Span<int> bestIndex = signals <= 256 ? stackalloc int[signals] : new int[signals];
        best.Clear();
        bestIndex.Fill(-1);
        for (int u = 0; u < units.Count; u++)
        {
            var p = units[u].Probabilities;
            int index = indices[u];
            int n = Math.Min(signals, p.Length);
            for (int s = 0; s < n; s++)
            {
                if (p[s] > best[s])
                {
                    best[s] = p[s];
                    bestIndex[s] = index;
                }
            }
        }

        for (int s = 0; s < signals; s++)
        {
            if (bestIndex[s] >= 0 && best[s] >= RiskFeatures.FiredThreshold)
            {
                string signal = signalNames[s];
                (evidence ??= []).Add(new SignalEvidence(signal, SignalNames.HarmOf(signal) ?? string.Empty, window.Authors[author], bestIndex[s], best[s]));
            }
        }
    }
}
