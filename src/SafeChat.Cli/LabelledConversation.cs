using SafeChat.Conversations;

namespace SafeChat.Cli;

/// <summary>A gold conversation, its score output, the harms it is positive for (after reviews) and its protected age band.</summary>
internal sealed record LabelledConversation(GoldConversation Gold, ScoredConversation Scored, IReadOnlySet<string> PositiveHarms, AgeBand Band)
{
    public bool IsBenign => PositiveHarms.Count == 0;

    /// <summary>The youngest effective age band among the people in the conversation (child, teen, unknown, adult).</summary>
    public static AgeBand ProtectedBand(GoldConversation gold, Func<Participant, AgeBand> effectiveBand)
    {
        var bands = gold.People.Select(effectiveBand).ToArray();
        foreach (var band in BandOrder)
        {
            if (bands.Contains(band))
            {
                return band;
            }
        }

        return AgeBand.Unknown;
    }

    /// <summary>Bands from the most to the least protected: thresholds are kept non-decreasing in this order.</summary>
    public static IReadOnlyList<AgeBand> BandOrder { get; } = [AgeBand.Child, AgeBand.Teen, AgeBand.Unknown, AgeBand.Adult];

    /// <summary>One example per conversation for <paramref name="harm"/> (null = any harm; otherwise that harm's positives against benign ones).</summary>
    public static List<Example> Examples(IEnumerable<LabelledConversation> conversations, string? harm, AlertView view)
    {
        var examples = new List<Example>();
        foreach (var c in conversations)
        {
            if (harm is not null && !c.IsBenign && !c.PositiveHarms.Contains(harm))
            {
                continue;
            }

            var positive = harm is null ? !c.IsBenign : c.PositiveHarms.Contains(harm);
            var (alerted, first) = view.For(c.Scored, harm);
            var score = harm is null ? c.Scored.Risk : c.Scored.Harms.GetValueOrDefault(harm);
            examples.Add(new Example(score, positive, alerted, first, positive ? c.Gold.AlertBy : null));
        }

        return examples;
    }
}
