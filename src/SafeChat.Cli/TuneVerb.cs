using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SafeChat.Conversations;
using SafeChat.Policies;

namespace SafeChat.Cli;

/// <summary><c>safechat tune GOLD -o FILE</c>: choose thresholds per harm and age band and write them into a policy file.</summary>
internal static class TuneVerb
{
    public static Command Create(CliContext context)
    {
        var gold = new Argument<string>("GOLD") { Description = "a JSONL file of conversations, each with a \"label\": benign, grooming or sextortion (- for stdin)" };
        var output = SharedOptions.OutputFile("Write the tuned policy to FILE (the base policy with its thresholds replaced).");
        var target = SharedOptions.TargetFpr(0.01);
        var precision = new Option<double?>("--target-precision") { Description = "Also require this precision per harm (e.g. 0.9); the higher of the two thresholds wins.", HelpName = "P" };
        var basePolicy = new Option<string>("--base") { Description = "The policy whose rules are kept and whose thresholds are the 'current' ones (default: strict-minors).", HelpName = "FILE|PRESET", DefaultValueFactory = _ => PolicyPresets.Default };
        var reviews = SharedOptions.Reviews();
        var model = SharedOptions.Model();
        var skipInvalid = SharedOptions.SkipInvalid();
        var command = new Command("tune", "Choose per-harm, per-age-band thresholds on labelled conversations for a target false-positive rate (and optionally a target precision), print the operating point and the recall given up, and write them into a policy file that 'policy validate' accepts.")
        {
            gold, output, target, precision, basePolicy, reviews, model, skipInvalid,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var targetFpr = parse.GetValue(target);
            var targetPrecision = parse.GetValue(precision);
            if (!EvalVerb.ValidFraction(targetFpr) || targetPrecision is { } p && !(p > 0 && p <= 1))
            {
                await context.Error.WriteLineAsync("error: --target-fpr must be in (0, 1) and --target-precision in (0, 1]").ConfigureAwait(false);
                return CliApplication.ExitUsage;
            }

            var session = await GoldSession.LoadAsync(
                context, parse.GetRequiredValue(gold), parse.GetValue(model), parse.GetRequiredValue(basePolicy), parse.GetValue(reviews), parse.GetValue(skipInvalid), cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                return CliApplication.ExitFailure;
            }

            return await RunAsync(context, session, parse.GetRequiredValue(gold), parse.GetRequiredValue(output), targetFpr, targetPrecision).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, GoldSession session, string goldPath, string outputPath, double targetFpr, double? targetPrecision)
    {
        var basePolicy = session.Policy!;
        var conversations = session.Conversations;
        var harms = session.Harms;
        if (harms.Count == 0 || conversations.All(c => !c.IsBenign))
        {
            await context.Error.WriteLineAsync($"error: {goldPath}: tuning needs both harmful and benign conversations").ConfigureAwait(false);
            return CliApplication.ExitFailure;
        }

        // Model-relative bands ("model", "model+0.02") are resolved against the model's alert threshold first.
        HarmThresholds BaseFor(string harm) =>
            basePolicy.Thresholds.TryGetValue(harm, out var t)
                ? new HarmThresholds(
                    t.For(AgeBand.Child, session.ModelThresholds[harm]),
                    t.For(AgeBand.Teen, session.ModelThresholds[harm]),
                    t.For(AgeBand.Adult, session.ModelThresholds[harm]),
                    t.For(AgeBand.Unknown, session.ModelThresholds[harm]))
                : new HarmThresholds(session.ModelThresholds[harm], session.ModelThresholds[harm], session.ModelThresholds[harm], session.ModelThresholds[harm]);

        var tuned = ThresholdTuner.Tune(conversations, harms, BaseFor, targetFpr, targetPrecision);
        var text = new StringBuilder();
        var benign = conversations.Count(c => c.IsBenign);
        text.Append(CultureInfo.InvariantCulture, $"tuned on {goldPath}: {conversations.Count} conversations ({string.Join(", ", harms.Select(h => $"{conversations.Count(c => c.PositiveHarms.Contains(h))} {h}"))}, {benign} benign)\n");
        text.Append(CultureInfo.InvariantCulture, $"target: FPR <= {Percent(targetFpr)} (at most {(int)Math.Floor(targetFpr * benign + 1e-9)} of {benign} benign conversations alerting)");
        text.Append(targetPrecision is { } tp ? FormattableString.Invariant($", precision >= {tp:0.###}\n") : "\n");
        var smallest = 3.0 / benign;
        if (smallest > targetFpr)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"warning: {benign} benign conversations are too few to show an FPR of {Percent(targetFpr)}: even with no false positive, the 95% upper bound is {Percent(Metrics.WilsonUpper(0, benign))} (Wilson; rule of three: {Percent(smallest)}). Label at least {Math.Ceiling(3 / targetFpr)} benign conversations.\n");
        }

        foreach (var harm in tuned)
        {
            var before = Metrics.Compute(ThresholdTuner.Examples(conversations, harm.Harm, harm.Before), targetFpr);
            var after = Metrics.Compute(ThresholdTuner.Examples(conversations, harm.Harm, harm.After), targetFpr);
            text.Append(CultureInfo.InvariantCulture, $"{harm.Harm}: ");
            text.Append(string.Join("  ", LabelledConversation.BandOrder.Select(b => FormattableString.Invariant($"{Name(b)} {harm.Before[b]:0.####} -> {harm.After[b]:0.####}"))));
            text.Append(harm.OwnBands.Count > 0
                ? $"  (own threshold: {string.Join(", ", harm.OwnBands.Select(Name))}; pooled: the rest)\n"
                : harm.After.Values.Distinct().Count() == 1
                    ? "  (pooled over all bands: no band has enough data of its own)\n"
                    : "  (pooled: no band has enough data of its own; raised from the band of a benign alert up, to hold the target for all harms together)\n");
            text.Append(CultureInfo.InvariantCulture,
                $"  recall {before.Recall:0.000} -> {after.Recall:0.000} (gives up {before.Recall - after.Recall:+0.000;-0.000;0.000}), precision {before.Precision:0.000} -> {after.Precision:0.000}, FPR {Percent(before.Fpr)} -> {Percent(after.Fpr)} ({after.Fp}/{after.Negatives}; 95% upper bound {Percent(Metrics.WilsonUpper(after.Fp, after.Negatives))})\n");
        }

        var unionFp = conversations.Count(c => c.IsBenign && tuned.Any(h => ThresholdTuner.Alerts(c, h.Harm, h.After)));
        var unionFpr = (double)unionFp / benign;
        text.Append(CultureInfo.InvariantCulture, $"any harm: {unionFp} of {benign} benign conversations alert (FPR {Percent(unionFpr)}; 95% upper bound {Percent(Metrics.WilsonUpper(unionFp, benign))})\n");
        if (unionFpr > targetFpr + 1e-12)
        {
            text.Append("warning: the target FPR cannot be met: some benign conversations reach risk 1.\n");
        }

        string json;
        try
        {
            json = WritePolicy(basePolicy, tuned, goldPath, targetFpr, targetPrecision);
            PolicyLoader.Parse(json, outputPath);
            await File.WriteAllTextAsync(outputPath, json).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PolicyValidationException or ArgumentException or NotSupportedException)
        {
            await context.Error.WriteLineAsync($"error: cannot write '{outputPath}': {ex.Message}").ConfigureAwait(false);
            return CliApplication.ExitFailure;
        }

        var written = PolicyLoader.LoadFile(outputPath);
        text.Append(CultureInfo.InvariantCulture, $"wrote {outputPath}: policy {written.Version}, {written.Rules.Count} rules (base {basePolicy.Version}). Check it with: safechat policy validate {outputPath}\n");
        await context.Output.WriteAsync(text.ToString()).ConfigureAwait(false);
        return CliApplication.ExitOk;
    }

    /// <summary>The base policy as <see cref="PolicyWriter"/> writes it, with the tuned thresholds and a description saying how they were chosen.</summary>
    internal static string WritePolicy(PolicyDefinition basePolicy, IReadOnlyList<TunedHarm> tuned, string goldPath, double targetFpr, double? targetPrecision)
    {
        var node = JsonNode.Parse(PolicyWriter.ToJson(basePolicy))!.AsObject();
        var how = FormattableString.Invariant($"Thresholds tuned by 'safechat tune' on {Path.GetFileName(goldPath)} for FPR <= {targetFpr:0.#####}") +
            (targetPrecision is { } p ? FormattableString.Invariant($" and precision >= {p:0.###}") : "") + ".";
        node["description"] = basePolicy.Description is { Length: > 0 } d ? d + " " + how : how;
        var thresholds = node["thresholds"]!.AsObject();
        foreach (var harm in tuned)
        {
            thresholds[harm.Harm] = new JsonObject
            {
                ["child"] = Number(harm.After[AgeBand.Child]),
                ["teen"] = Number(harm.After[AgeBand.Teen]),
                ["adult"] = Number(harm.After[AgeBand.Adult]),
                ["unknown"] = Number(harm.After[AgeBand.Unknown]),
            };
        }

        return node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static JsonNode Number(float value) => JsonValue.Create(double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));

    private static string Name(AgeBand band) => band.ToString().ToLowerInvariant();

    private static string Percent(double value) => value.ToString("0.##%", CultureInfo.InvariantCulture);
}
