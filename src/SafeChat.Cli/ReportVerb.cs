using System.CommandLine;

namespace SafeChat.Cli;

/// <summary><c>safechat report GOLD -o report.html</c>: a self-contained HTML report with inline SVG plots.</summary>
internal static class ReportVerb
{
    public static Command Create(CliContext context)
    {
        var gold = new Argument<string>("GOLD") { Description = "a JSONL file of conversations, each with a \"label\": benign, grooming or sextortion (- for stdin)" };
        var output = SharedOptions.OutputFile("Write the HTML report to FILE.");
        var policy = SharedOptions.Policy("Count the escalations of this policy file or preset as the alerts (default: the engine's own alerts).");
        var reviews = SharedOptions.Reviews();
        var showText = new Option<bool>("--show-text") { Description = "Show the messages of the worst false positives and negatives (off by default: the report stays text-free)." };
        var target = SharedOptions.TargetFpr(0.01);
        var model = SharedOptions.Model();
        var skipInvalid = SharedOptions.SkipInvalid();
        var command = new Command("report", "Write a self-contained HTML report (inline SVG, no external assets): metrics, precision-recall curves, score histograms for harmful and benign conversations, an alert-latency plot, the confusion at the alerts in force and the worst false positives and negatives.")
        {
            gold, output, policy, reviews, showText, target, model, skipInvalid,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var targetFpr = parse.GetValue(target);
            if (!EvalVerb.ValidFraction(targetFpr))
            {
                await context.Error.WriteLineAsync($"error: --target-fpr must be in (0, 1), got {targetFpr}").ConfigureAwait(false);
                return CliApplication.ExitUsage;
            }

            var goldPath = parse.GetRequiredValue(gold);
            var session = await GoldSession.LoadAsync(
                context, goldPath, parse.GetValue(model), parse.GetValue(policy), parse.GetValue(reviews), parse.GetValue(skipInvalid), cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                return CliApplication.ExitFailure;
            }

            var path = parse.GetRequiredValue(output);
            var html = HtmlReport.Build(session, Path.GetFileName(goldPath), targetFpr, parse.GetValue(showText), context.TimeProvider.GetUtcNow());
            try
            {
                await File.WriteAllTextAsync(path, html, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                await context.Error.WriteLineAsync($"error: cannot write '{path}': {ex.Message}").ConfigureAwait(false);
                return CliApplication.ExitFailure;
            }

            await context.Output.WriteLineAsync($"wrote {path}").ConfigureAwait(false);
            return CliApplication.ExitOk;
        });
        return command;
    }
}
