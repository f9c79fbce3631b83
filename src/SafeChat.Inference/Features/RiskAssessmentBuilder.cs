using SafeChat.Scoring;

namespace SafeChat.Inference.Features;

/// <summary>Builds the public <see cref="RiskAssessment"/> from per-author aggregator outputs and the window's units.</summary>
internal static class RiskAssessmentBuilder
{
    /// <summary>
    /// Builds the assessment. <paramref name="authorHarms"/> is row-major [authors, harms] aligned with
    /// <see cref="WindowFeatures.Authors"/> and <see cref="HarmNames.All"/>.
    /// </summary>
    public static RiskAssessment Build(WindowFeatures window, ReadOnlySpan<float> authorHarms, IReadOnlyList<string> signalNames)
    {
        int authorCount = window.Authors.Count;
        if (authorCount == 0)
        {
            return RiskAssessment.None;
        }

        int k = HarmNames.All.Count;
        var conversation = new float[k];
        var authors = new List<AuthorRisk>(authorCount);
        var evidence = new List<SignalEvidence>();
        Span<int> distinct = stackalloc int[k];
        for (int a = 0; a < authorCount; a++)
        {
            distinct.Clear();
            AddEvidence(window, a, signalNames, evidence, distinct);
            var harms = new Dictionary<string, float>(k);
            for (int h = 0; h < k; h++)
            {
                float risk = authorHarms[(a * k) + h];
                if (distinct[h] < MinDistinctSignals)
                {
                    risk *= UnderEvidencedScale;
                }

                harms[HarmNames.All[h]] = risk;
                conversation[h] = Math.Max(conversation[h], risk);
            }

            authors.Add(new AuthorRisk(window.Authors[a], harms));
        }

        authors.Sort(static (x, y) => y.Risk.CompareTo(x.Risk));
        evidence.Sort(static (x, y) => y.Probability != x.Probability ? y.Probability.CompareTo(x.Probability) : x.MessageIndex.CompareTo(y.MessageIndex));
        var total = new Dictionary<string, float>(k);
        for (int h = 0; h < k; h++)
        {
            total[HarmNames.All[h]] = conversation[h];
        }

        return new RiskAssessment(total, authors, evidence);
    }

    /// <summary>
    /// An author needs at least this many different signals of a harm (each fired, at <see cref="RiskFeatures.FiredThreshold"/> or more, so every alert is explained by at least two different moves in the output)
    /// before their risk of that harm can alert: the style of a window alone (line scores) must not raise an alert,
    /// and neither must one ambiguous move. Like Roblox Sentinel's minimum count before it speaks.
    /// </summary>
    internal const int MinDistinctSignals = 2;

    /// <summary>How much an under-evidenced author's risk is scaled (keeps the ranking, stays under any threshold above 0.5).</summary>
    internal const float UnderEvidencedScale = 0.5f;

    private static void AddEvidence(WindowFeatures window, int author, IReadOnlyList<string> signalNames, List<SignalEvidence> evidence, Span<int> distinctPerHarm)
    {
        var units = window.Units[author];
        var indices = window.UnitMessageIndex[author];
        for (int s = 0; s < signalNames.Count; s++)
        {
            float best = 0f;
            int bestIndex = -1;
            for (int u = 0; u < units.Count; u++)
            {
                var p = units[u].Probabilities;
                if (s < p.Length && p[s] > best)
                {
                    best = p[s];
                    bestIndex = indices[u];
                }
            }

            string signal = signalNames[s];
            if (bestIndex >= 0 && best >= RiskFeatures.FiredThreshold)
            {
                string? harmName = SignalNames.HarmOf(signal);
                int harm = IndexOfHarm(harmName);
                if (harm >= 0)
                {
                    distinctPerHarm[harm]++;
                }

                evidence.Add(new SignalEvidence(signal, harmName ?? string.Empty, window.Authors[author], bestIndex, best));
            }
        }
    }

    private static int IndexOfHarm(string? harm)
    {
        for (int h = 0; h < HarmNames.All.Count; h++)
        {
            if (HarmNames.All[h] == harm)
            {
                return h;
            }
        }

        return -1;
    }
}
