using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Policies;

namespace SafeChat.Cli;

/// <summary>
/// What eval, tune and report share: read the gold file (and reviewer decisions), score it through the <c>score</c>
/// pipeline, and pair every conversation with its labels and protected age band.
/// </summary>
internal sealed record GoldSession(
    IReadOnlyList<LabelledConversation> Conversations,
    AlertView View,
    IReadOnlyDictionary<string, float> ModelThresholds,
    PolicyDefinition? Policy)
{
    /// <summary>The harms evaluated: every known harm with at least one positive, in <see cref="Scoring.HarmNames.All"/> order.</summary>
    public IReadOnlyList<string> Harms =>
        Scoring.HarmNames.All.Where(h => Conversations.Any(c => c.PositiveHarms.Contains(h))).ToArray();

    /// <summary>Loads and scores; null after writing a clear error (exit code 1).</summary>
    public static async Task<GoldSession?> LoadAsync(
        CliContext context,
        string goldPath,
        string? model,
        string? policyPath,
        string? reviewsPath,
        bool skipInvalid,
        CancellationToken cancellationToken,
        string? predictionsPath = null)
    {
        byte[] bytes;
        try
        {
            if (goldPath == "-")
            {
                using var buffer = new MemoryStream();
                await context.Stdin.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                bytes = buffer.ToArray();
                goldPath = "<stdin>";
            }
            else
            {
                bytes = await File.ReadAllBytesAsync(goldPath, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await context.Error.WriteLineAsync($"error: cannot read '{goldPath}': {ex.Message}").ConfigureAwait(false);
            return null;
        }

        var (gold, errors) = await GoldReader.ReadAsync(goldPath, bytes, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            if (!skipInvalid)
            {
                await context.Error.WriteLineAsync("error: " + errors[0]).ConfigureAwait(false);
                return null;
            }

            foreach (var error in errors)
            {
                await context.Error.WriteLineAsync(error + " (skipped)").ConfigureAwait(false);
            }
        }

        if (gold.Count == 0)
        {
            await context.Error.WriteLineAsync($"error: {goldPath}: no labelled conversations").ConfigureAwait(false);
            return null;
        }

        var reviews = new Dictionary<(string, string), bool>();
        if (reviewsPath is not null)
        {
            List<ReviewerDecision> decisions;
            List<string> reviewErrors;
            try
            {
                (decisions, reviewErrors) = await ReviewerDecisionsReader.ReadAsync(reviewsPath, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                await context.Error.WriteLineAsync($"error: cannot read '{reviewsPath}': {ex.Message}").ConfigureAwait(false);
                return null;
            }

            if (reviewErrors.Count > 0)
            {
                await context.Error.WriteLineAsync("error: " + reviewErrors[0]).ConfigureAwait(false);
                return null;
            }

            reviews = ReviewerDecisionsReader.Latest(decisions).ToDictionary(p => ((string, string))p.Key, p => p.Value);
            var ids = gold.Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
            var unmatched = reviews.Keys.Count(k => !ids.Contains(k.Item1));
            await context.Error.WriteLineAsync($"reviews: {reviews.Count} reviewed (conversation, harm) pairs applied" + (unmatched > 0 ? $", {unmatched} name conversations not in {goldPath} (ignored)" : "")).ConfigureAwait(false);
        }

        var scorer = await context.LoadScorerAsync(model).ConfigureAwait(false);
        if (scorer is null)
        {
            return null;
        }

        PolicyDefinition? policy = null;
        if (policyPath is not null)
        {
            policy = await context.LoadDefinitionAsync(policyPath).ConfigureAwait(false);
            if (policy is null)
            {
                return null;
            }
        }

        var scored = predictionsPath is not null
            ? await ReadPredictionsAsync(context, predictionsPath, gold, cancellationToken).ConfigureAwait(false)
            : await ScoringRun.ScoreAsync(
                context, goldPath, bytes, gold, scorer, policy is null ? null : new PolicyEngine(policy, timeProvider: context.TimeProvider), cancellationToken).ConfigureAwait(false);
        if (scored is null)
        {
            return null;
        }

        var thresholds = new SafeChatEngine(scorer, new SafeChatEngineOptions(), timeProvider: context.TimeProvider).AlertThresholds
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        Func<Participant, AgeBand> band = policy is null ? p => p.AgeBand : policy.EffectiveAgeBand;
        var labelled = new List<LabelledConversation>(gold.Count);
        for (var i = 0; i < gold.Count; i++)
        {
            var positives = new HashSet<string>(StringComparer.Ordinal);
            if (gold[i].Label != "benign")
            {
                positives.Add(gold[i].Label);
            }

            foreach (var harm in Scoring.HarmNames.All)
            {
                if (reviews.TryGetValue((gold[i].Id, harm), out var confirmed))
                {
                    if (confirmed)
                    {
                        positives.Add(harm);
                    }
                    else
                    {
                        positives.Remove(harm);
                    }
                }
            }

            labelled.Add(new LabelledConversation(gold[i], scored[i], positives, LabelledConversation.ProtectedBand(gold[i], band)));
        }

        var view = policy is null ? AlertView.Model(thresholds) : AlertView.Policy(policy);
        return new GoldSession(labelled, view, thresholds, policy);
    }

    /// <summary>Reads an existing <c>score</c> output instead of scoring: one line per gold conversation, in gold order.</summary>
    private static async Task<IReadOnlyList<ScoredConversation>?> ReadPredictionsAsync(
        CliContext context, string path, IReadOnlyList<GoldConversation> gold, CancellationToken cancellationToken)
    {
        var results = new List<ScoredConversation>(gold.Count);
        try
        {
            var stream = File.OpenRead(path);
            await using (stream.ConfigureAwait(false))
            {
                await foreach (var line in JsonlLineReader.ReadAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    if (line.TooLong || ConversationParser.IsBlank(line.Bytes.Span))
                    {
                        continue;
                    }

                    ScoredConversation result;
                    try
                    {
                        result = ScoredConversation.Parse(line.Bytes.Span);
                    }
                    catch (Exception ex) when (ex is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
                    {
                        await context.Error.WriteLineAsync($"error: {path}:{line.Number}: not a 'safechat score' result line: {ex.Message}").ConfigureAwait(false);
                        return null;
                    }

                    if (results.Count < gold.Count && !string.Equals(result.Id, gold[results.Count].Id, StringComparison.Ordinal))
                    {
                        await context.Error.WriteLineAsync($"error: {path}:{line.Number}: id '{result.Id}' does not match the gold conversation '{gold[results.Count].Id}' in the same position").ConfigureAwait(false);
                        return null;
                    }

                    results.Add(result);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await context.Error.WriteLineAsync($"error: cannot read '{path}': {ex.Message}").ConfigureAwait(false);
            return null;
        }

        if (results.Count != gold.Count)
        {
            await context.Error.WriteLineAsync($"error: {path}: {results.Count} results for {gold.Count} gold conversations").ConfigureAwait(false);
            return null;
        }

        return results;
    }
}
