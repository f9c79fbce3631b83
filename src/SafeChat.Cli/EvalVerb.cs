using System.CommandLine;

namespace SafeChat.Cli;

/// <summary><c>safechat eval GOLD</c>: score labelled conversations and print the metrics per harm, source and language.</summary>
internal static class EvalVerb
{
    public static Command Create(CliContext context)
    {
        var gold = new Argument<string>("GOLD") { Description = "a JSONL file of conversations, each with a \"label\": benign, grooming or sextortion (- for stdin)" };
        var policy = SharedOptions.Policy("Count the escalations of this policy file or preset as the alerts (default: the engine's own alerts at the model's thresholds).");
        var reviews = SharedOptions.Reviews();
        var target = SharedOptions.TargetFpr(0.01);
        var json = new Option<bool>("--json") { Description = "Print the metrics as one JSON object instead of a table." };
        var model = SharedOptions.Model();
        var skipInvalid = SharedOptions.SkipInvalid();
        var predictions = new Option<string>("--predictions") { Description = "Evaluate an existing 'safechat score' output (one line per GOLD conversation, same order) instead of scoring again.", HelpName = "FILE" };
        var command = new Command("eval", "Score labelled conversations and report precision, recall, F1, F0.5, FPR, average precision, recall at the target FPR, early recall (alert by alert_by + 2) and latency-weighted F1, per harm (and per source and language when the lines carry them).")
        {
            gold, policy, reviews, target, json, model, skipInvalid, predictions,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var targetFpr = parse.GetValue(target);
            if (!ValidFraction(targetFpr))
            {
                await context.Error.WriteLineAsync($"error: --target-fpr must be in (0, 1), got {targetFpr}").ConfigureAwait(false);
                return CliApplication.ExitUsage;
            }

            var session = await GoldSession.LoadAsync(
                context, parse.GetRequiredValue(gold), parse.GetValue(model), parse.GetValue(policy), parse.GetValue(reviews), parse.GetValue(skipInvalid), cancellationToken, parse.GetValue(predictions)).ConfigureAwait(false);
            if (session is null)
            {
                return CliApplication.ExitFailure;
            }

            var report = EvalReport.Build(session, targetFpr);
            await context.Output.WriteAsync(parse.GetValue(json) ? report.ToJson() + "\n" : report.ToTable()).ConfigureAwait(false);
            return CliApplication.ExitOk;
        });
        return command;
    }

    public static bool ValidFraction(double value) => value > 0 && value < 1 && !double.IsNaN(value);
}
