using System.CommandLine;

namespace SafeChat.Cli;

/// <summary><c>safechat score</c>: the command line of <see cref="ScoreCommand"/>.</summary>
internal static class ScoreVerb
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("INPUT") { Description = "a JSONL file, or - for stdin" };
        var model = SharedOptions.Model();
        var policy = new Option<string>("--policy") { Description = "Apply a policy file or a preset (strict-minors, standard); its decisions appear in each result.", HelpName = "FILE|PRESET" };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Report each invalid line on stderr and go on, instead of stopping at the first one." };
        var clock = new Option<string>("--clock")
        {
            Description = "The engine's clock: message (default) replays each message's time, so idle expiry, dormancy and 24 h counters behave as live (a missing time is one second after the previous message; an unreadable or backward time makes the line invalid); wall uses the wall clock.",
            HelpName = "message|wall",
            DefaultValueFactory = _ => "message",
        };
        clock.AcceptOnlyFromAmong("message", "wall");
        var dormancy = new Option<double>("--dormancy-days")
        {
            Description = "How many days a conversation that went idle (2 h without a message) keeps its compact, text-free state, so a slow burn resumes where it stopped; 0 starts it over.",
            HelpName = "DAYS",
            DefaultValueFactory = _ => 30,
        };
        dormancy.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double>();
            if (!double.IsFinite(value) || value < 0 || value > 3650)
            {
                result.AddError("--dormancy-days must be between 0 and 3650.");
            }
        });
        var command = new Command("score", "Read conversations as JSONL and write one JSON result per conversation to stdout, in input order; a summary line goes to stderr.")
        {
            input, model, policy, skipInvalid, clock, dormancy,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            context,
            parse.GetRequiredValue(input),
            parse.GetValue(model),
            parse.GetValue(policy),
            parse.GetValue(skipInvalid),
            parse.GetValue(clock) == "wall" ? Engine.EngineClock.TimeProvider : Engine.EngineClock.MessageTime,
            parse.GetValue(dormancy),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string input, string? model, string? policyPath, bool skipInvalid, Engine.EngineClock clock, double dormancyDays, CancellationToken cancellationToken)
    {
        // The model and the policy load on the thread pool (start-up is mostly loading the models) while the input is
        // opened and its first blocks are parsed; their errors are still reported first, in the same order.
        var loading = Task.Run(() => LoadAsync(context, model, policyPath), CancellationToken.None);
        var settings = new ScoreSettings(input == "-" ? "<stdin>" : input, skipInvalid, clock, dormancyDays);
        if (input == "-")
        {
            return await ScoreCommand.RunAsync(settings, loading, context.Stdin, context.Stdout, context.Error, context.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        var file = GoldFile.TryOpen(input, out var openError);
        if (file is null)
        {
            if (await loading.ConfigureAwait(false) is not null)
            {
                await context.Error.WriteLineAsync(openError).ConfigureAwait(false);
            }

            return CliApplication.ExitFailure;
        }

        await using (file.ConfigureAwait(false))
        {
            using var progress = context.Progress("scoring", context.ShowProgress ? GoldFile.CountLines(input) : 0);
            Stream output = progress.IsVisible ? new LineCountingStream(context.Stdout, progress) : context.Stdout;
            return await ScoreCommand.RunAsync(settings, loading, file, output, progress.Wrap(context.Error), context.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    // The scorer, then the policy; null when either fails (the error has been written).
    private static async Task<ScoreModel?> LoadAsync(CliContext context, string? model, string? policyPath)
    {
        var scorer = await context.LoadScorerAsync(model).ConfigureAwait(false);
        if (scorer is null)
        {
            return null;
        }

        Policies.IMessagePolicy? policy;
        try
        {
            policy = context.PolicyLoader(policyPath);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await context.Error.WriteLineAsync($"error: could not load the policy: {ex.Message}").ConfigureAwait(false);
            return null;
        }

        return new ScoreModel(scorer, policy);
    }
}
