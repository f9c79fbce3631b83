using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;
using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Cli;

/// <summary>
/// Parses the command line with System.CommandLine and runs a command. Exit codes: 0 success, 1 failure (bad input,
/// load error), 2 usage error. Every command has <c>--help</c> describing each option.
/// </summary>
internal sealed class CliApplication(
    Func<string?, ISafetyScorer> scorerFactory,
    Func<string?, IMessagePolicy?> policyLoader,
    TimeProvider timeProvider)
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    public const string Usage =
        """
        safechat — score chat conversations for grooming and sextortion risk, and tune how SafeChat alerts.

        Usage:
          safechat score INPUT [--model DIR] [--policy FILE|PRESET] [--skip-invalid]
          safechat eval GOLD [--policy FILE|PRESET] [--reviews FILE] [--target-fpr X] [--json] [--model DIR]
          safechat tune GOLD -o FILE [--target-fpr X] [--target-precision P] [--base FILE|PRESET] [--reviews FILE]
          safechat explain INPUT --id ID [--show-text] [--policy FILE|PRESET] [--model DIR]
          safechat report GOLD -o FILE [--policy FILE|PRESET] [--show-text] [--target-fpr X] [--model DIR]
          safechat policy validate FILE|PRESET
          safechat policy list
          safechat policy show PRESET
          safechat image hash FILE... [--dihedral] [--exact]
          safechat image match FILE... --list LIST [--threshold N] [--min-quality Q]
          safechat signals keygen|export|import|match ...
          safechat --help
          safechat --version

        Commands:
          score    Read conversations as JSONL from INPUT (a path, or - for stdin) and write one JSON result
                   per conversation to stdout, in input order. A summary line goes to stderr.
          eval     Score labelled conversations (GOLD, with a "label" per line) and print precision, recall,
                   F1, F0.5, false-positive rate, average precision, recall at a target FPR, early recall and
                   latency-weighted F1 per harm (and per source and language when the lines carry them).
          tune     Choose per-harm (and per-age-band) thresholds on GOLD for a target FPR or precision and
                   write them into a policy file.
          explain  Show one conversation message by message: risk per harm as it builds, the signals that
                   fired and the author they point to, flagged authors and policy decisions.
          report   Write a self-contained HTML report with precision-recall curves, score histograms, an
                   alert-latency plot, the confusion at the thresholds and the worst errors.
          policy   validate: load a policy file (or preset) and report every error as file:line:column: path:
                   reason. list: the presets. show: print a preset's JSON.
          image    hash: print 'pdq-hash,quality,file' per image (PDQ, like the reference tools). match: match
                   images against known-image hash lists (PDQ within 31 bits, MD5/SHA-256 exactly).
          signals  Share hashed signals of reviewer-confirmed cases with partner platforms (HMAC-SHA256,
                   signed files with producer, time, reason and expiry) and match partners' indicators.

        Run 'safechat COMMAND --help' to see every option of a command.
        Exit codes: 0 success, 1 invalid input or load failure, 2 usage error.
        """;

    /// <summary>The one-line pointer printed when someone asks for the training verb that moved out.</summary>
    public const string TrainMoved = "error: training moved to the separate 'safechat-train' tool: run 'safechat-train --help'.";

    public static string Version
    {
        get
        {
            var version = typeof(CliApplication).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? typeof(CliApplication).Assembly.GetName().Version?.ToString()
                ?? "0.0.0";
            var plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? version : version[..plus];
        }
    }

    /// <summary>
    /// Whether long runs draw a progress bar on stderr. Null (the default) draws it only when the error writer is the
    /// process's stderr and that is a terminal (<see cref="Console.IsErrorRedirected"/> false).
    /// </summary>
    public bool? ShowProgress { get; init; }

    public async Task<int> RunAsync(string[] args, Stream stdin, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        // A closed output is reported by the command that writes to it (score names it); the writer never throws here.
        var output = new StreamWriter(stdout.CanWrite ? stdout : Stream.Null, new System.Text.UTF8Encoding(false), bufferSize: 4096, leaveOpen: true) { AutoFlush = true };
        await using (output.ConfigureAwait(false))
        {
            if (args.Length == 0)
            {
                await stderr.WriteLineAsync(Usage).ConfigureAwait(false);
                return ExitUsage;
            }

            switch (args[0])
            {
                case "-h" or "--help" or "help" or "-?" when args.Length == 1:
                    await output.WriteLineAsync(Usage).ConfigureAwait(false);
                    return ExitOk;
                case "--version" when args.Length == 1:
                    await output.WriteLineAsync("safechat " + Version).ConfigureAwait(false);
                    return ExitOk;
                case "train":
                    await stderr.WriteLineAsync(TrainMoved).ConfigureAwait(false);
                    return ExitUsage;
            }

            var progress = ShowProgress ?? (ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);
            var context = new CliContext(stdin, stdout, output, stderr, scorerFactory, policyLoader, timeProvider, progress);
            var root = BuildCommands(context);
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0 && !IsHelpRequest(parse))
            {
                await stderr.WriteLineAsync(DescribeError(parse)).ConfigureAwait(false);
                return ExitUsage;
            }

            var configuration = new InvocationConfiguration { Output = output, Error = stderr, EnableDefaultExceptionHandler = false };
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsHelpRequest(ParseResult parse) => parse.Action is System.CommandLine.Help.HelpAction;

    private static RootCommand BuildCommands(CliContext context)
    {
        var root = new RootCommand("safechat: score chat conversations for grooming and sextortion risk, and tune how SafeChat alerts.");
        root.Add(ScoreVerb.Create(context));
        root.Add(EvalVerb.Create(context));
        root.Add(TuneVerb.Create(context));
        root.Add(ExplainVerb.Create(context));
        root.Add(ReportVerb.Create(context));
        root.Add(PolicyVerb.Create(context));
        root.Add(ImageVerb.Create(context));
        root.Add(SignalsVerb.Create(context));
        return root;
    }

    /// <summary>Turns System.CommandLine's parse errors into one clear message naming the command, option or argument.</summary>
    private static string DescribeError(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var path = CommandPath(parse.CommandResult);
        var synopsis = CommandSynopsis.For(path);
        var usage = synopsis is null ? $" Run 'safechat {path} --help'.".Replace("safechat  --help", "safechat --help", StringComparison.Ordinal) : "\nusage: " + synopsis;

        foreach (var error in parse.Errors)
        {
            if (error.SymbolResult is OptionResult option
                || (error.SymbolResult is ArgumentResult { Parent: OptionResult parentOption } && (option = parentOption) is not null))
            {
                return option.Tokens.Count == 0
                    ? $"error: {option.Option.Name} needs a value." + usage
                    : $"error: {option.Option.Name}: cannot use '{option.Tokens[0].Value}' ({error.Message.TrimEnd('.')})." + usage;
            }
        }

        foreach (var token in parse.UnmatchedTokens)
        {
            if (command is RootCommand)
            {
                return $"error: unknown command '{token}'. Run 'safechat --help'.";
            }

            if (token.StartsWith('-') && token != "-")
            {
                return $"error: unknown option '{token}' for '{path}'. Run 'safechat {path} --help'.";
            }

            var argument = command.Arguments.FirstOrDefault();
            if (argument is not null)
            {
                var given = parse.GetResult(argument)?.Tokens.FirstOrDefault()?.Value;
                return $"error: '{path}' takes one {argument.Name}, got '{given}' and '{token}'." + usage;
            }

            return command.Subcommands.Count > 0
                ? $"error: unknown command '{token}' for '{path}'." + usage
                : $"error: '{path}' takes no argument, got '{token}'." + usage;
        }

        foreach (var argument in command.Arguments)
        {
            var result = parse.GetResult(argument);
            if (result is null || result.Tokens.Count == 0)
            {
                return $"error: '{path}' needs {Article(argument.Name)} {argument.Name} ({argument.Description})." + usage;
            }
        }

        if (command.Subcommands.Count > 0 && command.Action is null)
        {
            return $"error: '{path}' needs a subcommand: {string.Join(", ", command.Subcommands.Select(c => c.Name))}." + usage;
        }

        return "error: " + parse.Errors[0].Message + usage;
    }

    private static string Article(string name) => name.Length > 0 && "AEIOU".Contains(char.ToUpperInvariant(name[0]), StringComparison.Ordinal) ? "an" : "a";

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? current = result; current is CommandResult commandResult && commandResult.Command is not RootCommand; current = current.Parent)
        {
            names.Add(commandResult.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
