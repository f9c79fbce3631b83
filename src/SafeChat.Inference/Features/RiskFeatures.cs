using SafeChat.Conversations;
using SafeChat.Scoring;

namespace SafeChat.Inference.Features;

/// <summary>
/// Per-author features of a conversation window for the risk aggregator, shared by training and runtime.
/// They describe WHICH signals fired and how strongly (max, top-2 mean, capped counts, distinct stages, top-3 line
/// scores) plus known age context. There is deliberately no length feature: more messages must not mean more risk.
/// </summary>
internal static class RiskFeatures
{
    /// <summary>A unit counts as firing a signal at or above this probability.</summary>
    public const float FiredThreshold = 0.5f;

    /// <summary>Counts of firing units are capped at this value (then scaled to [0,1]).</summary>
    public const int CountCap = 3;

    private static readonly int SignalCount = SignalNames.All.Count;
    private static readonly int HarmCount = HarmNames.All.Count;

    /// <summary>Index of the first signal of each harm in <see cref="SignalNames.All"/>, and one past the last.</summary>
    private static readonly int[] HarmStart = BuildHarmStarts();

    /// <summary>Number of "strongest different signals" features of each harm: up to 3, fewer for a harm with fewer signals.</summary>
    private static int Strongest(int harm) => Math.Min(3, HarmStart[harm + 1] - HarmStart[harm]);

    /// <summary>Features before the long-message share, its crosses and the age context (computed once: it is read in hot loops).</summary>
    private static readonly int BaseCount = (SignalNames.All.Count * 3) + (HarmNames.All.Count * 6) + 1 + Enumerable.Range(0, HarmNames.All.Count).Sum(Strongest);

    /// <summary>Number of features of the first aggregator version (no group-chat block); such models still load.</summary>
    public static int LegacyCount { get; } = (2 * BaseCount) + 1 + 3 + 2;

    /// <summary>Number of features.</summary>
    public static int Count { get; } = LegacyCount + 1 + BaseCount;

    /// <summary>Feature names, in order (for the model card).</summary>
    public static IReadOnlyList<string> Names { get; } = BuildNames();

    /// <summary>
    /// Computes the features of one author from the units (messages, or chunks of long messages) the author wrote.
    /// </summary>
    /// <param name="units">The author's units.</param>
    /// <param name="longMessageUnits">How many of the units are chunks of messages scored in several chunks (pasted logs).</param>
    /// <param name="authorAge">The author's age band.</param>
    /// <param name="othersIncludeMinor">Whether another author of the window is a known minor.</param>
    /// <param name="othersMinorCue">The strongest minor cue (see <see cref="ModelLayout.MinorCueHead"/>) of the other authors.</param>
    /// <param name="otherAuthors">How many other authors the window has (1 in a one-to-one chat).</param>
    /// <param name="features">Receives <see cref="Count"/> features.</param>
    public static void Compute(IReadOnlyList<MessageSignals> units, int longMessageUnits, AgeBand authorAge, bool othersIncludeMinor, float othersMinorCue, int otherAuthors, Span<float> features)
    {
        ArgumentNullException.ThrowIfNull(units);
        if (features.Length < Count)
        {
            throw new ArgumentException($"Need room for {Count} features.", nameof(features));
        }

        features[..Count].Clear();
        int s = SignalCount;
        int k = HarmCount;
        Span<float> top1 = stackalloc float[s];
        Span<float> top2 = stackalloc float[s];
        Span<int> fired = stackalloc int[s];
        Span<float> harmTop = stackalloc float[3 * k];
        Span<float> sumLine = stackalloc float[k];
        Span<int> unitsWith = stackalloc int[k];
        Span<bool> unitFired = stackalloc bool[k];
        Span<float> groomingTop10 = stackalloc float[10];
        groomingTop10.Clear();
        top1.Clear();
        top2.Clear();
        fired.Clear();
        harmTop.Clear();
        sumLine.Clear();
        unitsWith.Clear();

        for (int u = 0; u < units.Count; u++)
        {
            var probabilities = units[u].Probabilities;
            int n = Math.Min(s, probabilities.Length);
            unitFired.Clear();
            for (int h = 0; h < k; h++)
            {
                for (int i = HarmStart[h]; i < HarmStart[h + 1] && i < n; i++)
                {
                    float p = probabilities[i];
                    if (p > top1[i])
                    {
                        top2[i] = top1[i];
                        top1[i] = p;
                    }
                    else if (p > top2[i])
                    {
                        top2[i] = p;
                    }

                    if (p >= FiredThreshold)
                    {
                        fired[i]++;
                        unitFired[h] = true;
                    }
                }

                unitsWith[h] += unitFired[h] ? 1 : 0;
            }

            var harms = units[u].HarmProbabilities;
            for (int h = 0; h < k && h < harms.Length; h++)
            {
                InsertTop3(harmTop.Slice(h * 3, 3), harms[h]);
                sumLine[h] += harms[h];
            }

            if (harms.Length >= 1)
            {
                InsertTopN(groomingTop10, harms[0]);
            }
        }

        float unitCount = Math.Max(1, units.Count);
        float longMessageShare = 0;
        if (longMessageUnits > 0)
        {
            longMessageShare = Math.Min(1f, longMessageUnits / unitCount);
        }

        for (int i = 0; i < s; i++)
        {
            features[i] = top1[i];
            features[s + i] = (top1[i] + top2[i]) / 2f;
            features[(2 * s) + i] = Math.Min(fired[i], CountCap) / (float)CountCap;
        }

        int f = 3 * s;
        Span<float> ranked = stackalloc float[s];
        top1.CopyTo(ranked);
        for (int h = 0; h < k; h++)
        {
            int first = HarmStart[h], count = HarmStart[h + 1] - first;
            int distinct = 0;
            float sum = 0;
            for (int i = first; i < first + count; i++)
            {
                distinct += fired[i] > 0 ? 1 : 0;
                sum += top1[i];
            }

            var top = harmTop.Slice(h * 3, 3);
            features[f++] = Math.Min(distinct, 5) / (float)Math.Min(count, 5);
            features[f++] = sum / count;
            features[f++] = top[0];
            features[f++] = (top[0] + top[1] + top[2]) / 3f;
            features[f++] = sumLine[h] / unitCount;
            features[f++] = unitsWith[h] / unitCount;

            // The 1st..3rd strongest DIFFERENT signals of each harm: a soft "several stages" that a linear model can use
            // (a parent's lone "are you home alone" has one strong signal; grooming has several).
            var harmRanked = ranked.Slice(first, count);
            harmRanked.Sort();
            for (int r = 1; r <= Strongest(h); r++)
            {
                features[f++] = harmRanked[^r];
            }
        }

        float top10Grooming = 0;
        foreach (float v in groomingTop10)
        {
            top10Grooming += v;
        }

        features[f++] = top10Grooming / groomingTop10.Length;

        // Pasted logs (one message scored in many chunks, author unknown) behave differently from chat turns: every
        // base feature is repeated multiplied by the share of such units, giving that regime its own weights.
        features[f++] = longMessageShare;
        for (int i = 0; i < BaseCount; i++)
        {
            features[f++] = longMessageShare * features[i];
        }

        features[f++] = authorAge == AgeBand.Adult ? 1f : 0f;
        features[f++] = authorAge is AgeBand.Child or AgeBand.Teen ? 1f : 0f;
        features[f++] = othersIncludeMinor ? 1f : 0f;
        features[f++] = othersMinorCue;

        // In a pasted log the minor's lines are inside the same (unknown) author's units.
        features[f++] = longMessageShare * MaxMinorCue(units);

        // Group chat (0 one-to-one, 1 from five people on): a signal said into a busy multi-party channel means less
        // than the same signal in a private chat; every base feature is repeated multiplied by it, its own regime.
        float group = GroupShare(otherAuthors);
        features[f++] = group;
        for (int i = 0; i < BaseCount; i++)
        {
            features[f++] = group * features[i];
        }
    }

    /// <summary>The group-chat share: 0 with at most one other author, rising to 1 with four or more.</summary>
    public static float GroupShare(int otherAuthors) => Math.Clamp((otherAuthors - 1) / 3f, 0f, 1f);

    /// <summary>The strongest minor cue of the units (0 when the model has no minor-cue head).</summary>
    public static float MaxMinorCue(IReadOnlyList<MessageSignals> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        float max = 0;
        for (int u = 0; u < units.Count; u++)
        {
            max = Math.Max(max, units[u].MinorCue);
        }

        return max;
    }

    private static void InsertTopN(Span<float> top, float value)
    {
        if (value <= top[^1])
        {
            return;
        }

        int i = top.Length - 1;
        while (i > 0 && top[i - 1] < value)
        {
            top[i] = top[i - 1];
            i--;
        }

        top[i] = value;
    }

    private static void InsertTop3(Span<float> top, float value)
    {
        if (value > top[0])
        {
            top[2] = top[1];
            top[1] = top[0];
            top[0] = value;
        }
        else if (value > top[1])
        {
            top[2] = top[1];
            top[1] = value;
        }
        else if (value > top[2])
        {
            top[2] = value;
        }
    }

    private static int[] BuildHarmStarts()
    {
        var starts = new int[HarmNames.All.Count + 1];
        for (int h = 0; h < HarmNames.All.Count; h++)
        {
            starts[h + 1] = starts[h] + SignalNames.Of(HarmNames.All[h]).Count;
        }

        return starts;
    }

    private static string[] BuildNames()
    {
        var names = new List<string>();
        foreach (var signal in SignalNames.All)
        {
            names.Add($"max:{signal}");
        }

        foreach (var signal in SignalNames.All)
        {
            names.Add($"top2_mean:{signal}");
        }

        foreach (var signal in SignalNames.All)
        {
            names.Add($"fired_count_capped:{signal}");
        }

        for (int h = 0; h < HarmNames.All.Count; h++)
        {
            string harm = HarmNames.All[h];
            names.AddRange(
            [
                $"distinct_{harm}_signals", $"sum_max_{harm}_signals", $"max:{harm}_line", $"top3_mean:{harm}_line",
                $"mean:{harm}_line", $"share_units_with_{harm}_signal",
            ]);
            for (int r = 1; r <= Strongest(h); r++)
            {
                names.Add($"strongest_{harm}_signal_{r}");
            }
        }

        names.Add("top10_mean:grooming_line");
        int baseCount = names.Count;
        names.Add("share_units_from_long_messages");
        for (int i = 0; i < baseCount; i++)
        {
            names.Add("long_x_" + names[i]);
        }

        names.AddRange(["author_known_adult", "author_known_minor", "others_include_known_minor", "others_max_minor_cue", "long_x_own_max_minor_cue"]);
        names.Add("group_share");
        for (int i = 0; i < baseCount; i++)
        {
            names.Add("group_x_" + names[i]);
        }

        return [.. names];
    }
}
