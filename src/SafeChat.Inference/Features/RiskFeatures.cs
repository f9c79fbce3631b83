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
    private static readonly int GroomingSignalCount = SignalNames.Grooming.Count;

    /// <summary>Features before the long-message share, its crosses and the age context (computed once: it is read in hot loops).</summary>
    private static readonly int BaseCount = (SignalNames.All.Count * 3) + 4 + 4 + 5 + 6;

    /// <summary>Number of features.</summary>
    public static int Count { get; } = (2 * BaseCount) + 1 + 3 + 2;

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
    /// <param name="features">Receives <see cref="Count"/> features.</param>
    public static void Compute(IReadOnlyList<MessageSignals> units, int longMessageUnits, AgeBand authorAge, bool othersIncludeMinor, float othersMinorCue, Span<float> features)
    {
        ArgumentNullException.ThrowIfNull(units);
        if (features.Length < Count)
        {
            throw new ArgumentException($"Need room for {Count} features.", nameof(features));
        }

        features[..Count].Clear();
        int s = SignalCount;
        Span<float> top1 = stackalloc float[s];
        Span<float> top2 = stackalloc float[s];
        Span<int> fired = stackalloc int[s];
        Span<float> harmTop = stackalloc float[6];
        Span<float> groomingTop10 = stackalloc float[10];
        groomingTop10.Clear();
        float sumGroomingLine = 0, sumSextortionLine = 0;
        int unitsWithGrooming = 0, unitsWithSextortion = 0;
        top1.Clear();
        top2.Clear();
        fired.Clear();
        harmTop.Clear();

        for (int u = 0; u < units.Count; u++)
        {
            var probabilities = units[u].Probabilities;
            int n = Math.Min(s, probabilities.Length);
            bool anyGrooming = false, anySextortion = false;
            for (int i = 0; i < n; i++)
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
                    anyGrooming |= i < GroomingSignalCount;
                    anySextortion |= i >= GroomingSignalCount;
                }
            }

            unitsWithGrooming += anyGrooming ? 1 : 0;
            unitsWithSextortion += anySextortion ? 1 : 0;
            var harms = units[u].HarmProbabilities;
            for (int h = 0; h < 2 && h < harms.Length; h++)
            {
                InsertTop3(harmTop.Slice(h * 3, 3), harms[h]);
            }

            if (harms.Length >= 2)
            {
                sumGroomingLine += harms[0];
                sumSextortionLine += harms[1];
                InsertTopN(groomingTop10, harms[0]);
            }
        }

        float unitCount = Math.Max(1, units.Count);
        float longMessageShare = 0;
        if (longMessageUnits > 0)
        {
            longMessageShare = Math.Min(1f, longMessageUnits / unitCount);
        }

        int distinctGrooming = 0, distinctSextortion = 0;
        float sumGrooming = 0, sumSextortion = 0;
        for (int i = 0; i < s; i++)
        {
            features[i] = top1[i];
            features[s + i] = (top1[i] + top2[i]) / 2f;
            features[(2 * s) + i] = Math.Min(fired[i], CountCap) / (float)CountCap;
            bool isGrooming = i < GroomingSignalCount;
            if (fired[i] > 0)
            {
                if (isGrooming)
                {
                    distinctGrooming++;
                }
                else
                {
                    distinctSextortion++;
                }
            }

            if (isGrooming)
            {
                sumGrooming += top1[i];
            }
            else
            {
                sumSextortion += top1[i];
            }
        }

        int k = 3 * s;
        features[k++] = Math.Min(distinctGrooming, 5) / 5f;
        features[k++] = distinctSextortion / (float)(s - GroomingSignalCount);
        features[k++] = sumGrooming / GroomingSignalCount;
        features[k++] = sumSextortion / (s - GroomingSignalCount);
        for (int h = 0; h < 2; h++)
        {
            var top = harmTop.Slice(h * 3, 3);
            features[k++] = top[0];
            features[k++] = (top[0] + top[1] + top[2]) / 3f;
        }

        float meanGroomingLine = sumGroomingLine / unitCount;
        float top10Grooming = 0;
        foreach (float v in groomingTop10)
        {
            top10Grooming += v;
        }

        top10Grooming /= groomingTop10.Length;
        float groomingUnitShare = unitsWithGrooming / unitCount;
        features[k++] = meanGroomingLine;
        features[k++] = sumSextortionLine / unitCount;
        features[k++] = top10Grooming;
        features[k++] = groomingUnitShare;
        features[k++] = unitsWithSextortion / unitCount;

        // The 1st..3rd strongest DIFFERENT signals of each harm: a soft "several stages" that a linear model can use
        // (a parent's lone "are you home alone" has one strong signal; grooming has several).
        Span<float> ranked = stackalloc float[s];
        top1.CopyTo(ranked);
        var grooming = ranked[..GroomingSignalCount];
        var sextortion = ranked[GroomingSignalCount..];
        grooming.Sort();
        sextortion.Sort();
        for (int r = 1; r <= 3; r++)
        {
            features[k++] = grooming[^r];
        }

        for (int r = 1; r <= 3; r++)
        {
            features[k++] = sextortion[^r];
        }

        // Pasted logs (one message scored in many chunks, author unknown) behave differently from chat turns: every
        // base feature is repeated multiplied by the share of such units, giving that regime its own weights.
        features[k++] = longMessageShare;
        for (int i = 0; i < BaseCount; i++)
        {
            features[k++] = longMessageShare * features[i];
        }

        features[k++] = authorAge == AgeBand.Adult ? 1f : 0f;
        features[k++] = authorAge is AgeBand.Child or AgeBand.Teen ? 1f : 0f;
        features[k++] = othersIncludeMinor ? 1f : 0f;
        features[k++] = othersMinorCue;

        // In a pasted log the minor's lines are inside the same (unknown) author's units.
        features[k] = longMessageShare * MaxMinorCue(units);
    }

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

        names.AddRange(
        [
            "distinct_grooming_signals", "distinct_sextortion_signals", "sum_max_grooming_signals", "sum_max_sextortion_signals",
            "max:grooming_line", "top3_mean:grooming_line", "max:sextortion_line", "top3_mean:sextortion_line",
            "mean:grooming_line", "mean:sextortion_line", "top10_mean:grooming_line", "share_units_with_grooming_signal",
            "share_units_with_sextortion_signal",
            "strongest_grooming_signal_1", "strongest_grooming_signal_2", "strongest_grooming_signal_3",
            "strongest_sextortion_signal_1", "strongest_sextortion_signal_2", "strongest_sextortion_signal_3",
        ]);
        int baseCount = names.Count;
        names.Add("share_units_from_long_messages");
        for (int i = 0; i < baseCount; i++)
        {
            names.Add("long_x_" + names[i]);
        }

        names.AddRange(["author_known_adult", "author_known_minor", "others_include_known_minor", "others_max_minor_cue", "long_x_own_max_minor_cue"]);
        return [.. names];
    }
}
