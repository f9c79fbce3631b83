using System.Globalization;
using System.Text;
using SafeChat.Conversations;
using SafeChat.Scoring;

namespace SafeChat.Inference.Tests.Caching;

/// <summary>The per-author memo of the risk aggregator's rows: assessments identical bit for bit with and without it.</summary>
public sealed class AuthorRiskMemoTests
{
    private static readonly string LongLog = string.Join(" ", Enumerable.Repeat("this is a long pasted log line with many words and more words", 12));

    private static readonly (string Author, AgeBand Age, AgeAssurance Assurance, string Text)[] Conversation =
    [
        ("a", AgeBand.Unknown, AgeAssurance.Unknown, "gg"),
        ("b", AgeBand.Teen, AgeAssurance.Unknown, "how old r u btw"),
        ("a", AgeBand.Unknown, AgeAssurance.Unknown, "ur so mature for ur age fr"),
        ("c", AgeBand.Adult, AgeAssurance.Unknown, "lol"),
        ("b", AgeBand.Teen, AgeAssurance.Unknown, "im 13"),
        ("a", AgeBand.Unknown, AgeAssurance.Unknown, "dont tell ur parents ok its our thing"),
        ("d", AgeBand.Unknown, AgeAssurance.Unknown, "turn around slowly for the camera"),
        ("c", AgeBand.Adult, AgeAssurance.Unknown, "send me a pic or i post the video"),
        ("d", AgeBand.Unknown, AgeAssurance.Unknown, "turn around again and show us"),
        ("a", AgeBand.Unknown, AgeAssurance.Unknown, LongLog),
        ("e", AgeBand.Child, AgeAssurance.Unknown, "you have 24 hours to pay"),
        ("a", AgeBand.Unknown, AgeAssurance.Unknown, "gg"),
    ];

    [Fact]
    public void Assess_EveryPrefixWithMemo_BitIdenticalToWithoutMemoOnFirstAndRepeatedRuns()
    {
        using var memo = OnnxSafetyScorer.LoadDefault();
        using var plain = OnnxSafetyScorer.LoadDefault();
        plain.MessageCacheCapacity = 0;
        Assert.NotNull(memo.AuthorRiskCache);
        Assert.Null(plain.AuthorRiskCache);

        var windows = Windows(plain);
        var expected = windows.Select(w => Describe(plain.Assess(w))).ToArray();
        var first = windows.Select(w => Describe(memo.Assess(w))).ToArray();
        var second = windows.Select(w => Describe(memo.Assess(w))).ToArray();

        Assert.Equal(expected, first);
        Assert.Equal(expected, second);
        Assert.Contains(expected, e => e.Contains("room=", StringComparison.Ordinal) && !e.Contains("room=none", StringComparison.Ordinal));
        Assert.True(memo.AuthorRiskCache!.Hits > 0);
    }

    [Fact]
    public void Assess_ConsecutiveWindows_AnAuthorWithUnchangedValuesKeepsItsRecord()
    {
        using var scorer = OnnxSafetyScorer.LoadDefault();
        var windows = Windows(scorer);
        // What each window gives on a thread that assessed nothing before (no earlier records to reuse).
        var fresh = windows.Select(w => Task.Factory.StartNew(() => Describe(scorer.Assess(w)), TaskCreationOptions.LongRunning).Result).ToArray();

        RiskAssessment? previous = null;
        var reused = 0;
        for (var i = 0; i < windows.Count; i++)
        {
            var assessment = scorer.Assess(windows[i]);
            Assert.Equal(fresh[i], Describe(assessment));
            foreach (var author in assessment.Authors)
            {
                var before = previous?.Authors.SingleOrDefault(a => a.AuthorId == author.AuthorId);
                if (before is not null && before.Harms.Values.SequenceEqual(author.Harms.Values))
                {
                    Assert.Same(before, author);
                    reused++;
                }
            }

            previous = assessment;
        }

        Assert.True(reused > 0);
    }

    [Fact]
    public void Assess_SameAuthorInputsInAnotherConversation_HitsTheMemo()
    {
        using var scorer = OnnxSafetyScorer.LoadDefault();
        var gg = scorer.AnalyzeMessage("gg");
        var lol = scorer.AnalyzeMessage("lol");

        // Other ids, same scores (as other objects, so the previous window's rows are not simply reused) and age
        // context: the memo key holds no id.
        scorer.Assess([new WindowMessage(0, "x", AgeBand.Unknown, gg), new WindowMessage(1, "y", AgeBand.Unknown, lol)]);
        long hits = scorer.AuthorRiskCache!.Hits;
        scorer.Assess([new WindowMessage(0, "p", AgeBand.Unknown, Copy(gg)), new WindowMessage(1, "q", AgeBand.Unknown, Copy(lol))]);

        Assert.Equal(hits + 2, scorer.AuthorRiskCache.Hits);
    }

    [Fact]
    public void Assess_SameScoresOtherAgeContext_MissesTheMemoForTheAuthorWhoseInputsChanged()
    {
        using var scorer = OnnxSafetyScorer.LoadDefault();
        var gg = scorer.AnalyzeMessage("gg");
        var lol = scorer.AnalyzeMessage("lol");

        scorer.Assess([new WindowMessage(0, "x", AgeBand.Unknown, gg), new WindowMessage(1, "y", AgeBand.Unknown, lol)]);
        long hits = scorer.AuthorRiskCache!.Hits;
        scorer.Assess([new WindowMessage(0, "x", AgeBand.Unknown, Copy(gg)), new WindowMessage(1, "y", AgeBand.Teen, Copy(lol))]);

        // x now has a known minor among the others: a new row. y's unassured teen band does not enter y's own row
        // (only assured minor bands do), so y's row is the one already computed.
        Assert.Equal(hits + 1, scorer.AuthorRiskCache.Hits);
    }

    [Fact]
    public void Assess_SameUnitObjectsAgain_ReusesThePreviousRowsWithoutTheMemo()
    {
        using var scorer = OnnxSafetyScorer.LoadDefault();
        using var plain = OnnxSafetyScorer.LoadDefault();
        plain.MessageCacheCapacity = 0;
        var window = Windows(scorer)[^1];
        var expected = Describe(plain.Assess(window));

        Assert.Equal(expected, Describe(scorer.Assess(window)));
        long hits = scorer.AuthorRiskCache!.Hits;
        long misses = scorer.AuthorRiskCache.Misses;

        // The very same unit objects and inputs: every author's row is the previous assessment's, the memo is not asked.
        Assert.Equal(expected, Describe(scorer.Assess(window)));
        Assert.Equal(hits, scorer.AuthorRiskCache.Hits);
        Assert.Equal(misses, scorer.AuthorRiskCache.Misses);

        // One author's age band is no longer known: the authors whose inputs change are looked up again, the others reused.
        var changed = window.Select(m => m.AuthorId == "c" ? m with { AuthorAge = AgeBand.Unknown } : m).ToArray();
        Assert.Equal(Describe(plain.Assess(changed)), Describe(scorer.Assess(changed)));
    }

    private static MessageSignals Copy(MessageSignals signals) =>
        new(signals.Probabilities.ToArray(), signals.HarmProbabilities.ToArray(), signals.MinorCue, signals.TranscriptGrooming, signals.Chunks);

    private static List<WindowMessage[]> Windows(OnnxSafetyScorer scorer)
    {
        var messages = Conversation
            .Select((m, i) => new WindowMessage(i, m.Author, m.Age, scorer.AnalyzeMessage(m.Text), m.Assurance))
            .ToArray();
        return [.. Enumerable.Range(1, messages.Length).Select(n => messages[..n])];
    }

    private static string Describe(RiskAssessment assessment)
    {
        var text = new StringBuilder();
        text.Append("risk=").Append(Bits(assessment.Risk));
        foreach (var (harm, value) in assessment.Harms.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(' ').Append(harm).Append('=').Append(Bits(value));
        }

        foreach (var author in assessment.Authors)
        {
            text.Append(" | ").Append(author.AuthorId);
            foreach (var (harm, value) in author.Harms.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                text.Append(' ').Append(harm).Append('=').Append(Bits(value));
            }
        }

        foreach (var signal in assessment.Signals)
        {
            text.Append(" | ").Append(signal.Signal).Append('@').Append(signal.AuthorId).Append('#')
                .Append(signal.MessageIndex.ToString(CultureInfo.InvariantCulture)).Append('=').Append(Bits(signal.Probability));
        }

        if (assessment.Room is { } room)
        {
            text.Append(" | room=").Append(room.TargetId).Append(':').Append(string.Join(",", room.ContributingAuthors));
            foreach (var (harm, value) in room.Harms.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                text.Append(' ').Append(harm).Append('=').Append(Bits(value));
            }
        }
        else
        {
            text.Append(" | room=none");
        }

        return text.ToString();
    }

    private static string Bits(float value) => BitConverter.SingleToInt32Bits(value).ToString("x8", CultureInfo.InvariantCulture);
}
