using System.Reflection;
using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Cli;

/// <summary>Parses the command line and runs a command. Exit codes: 0 success, 1 failure (bad input, load error), 2 usage error.</summary>
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
        safechat — score chat conversations for grooming and sextortion risk.

        Usage:
          safechat score INPUT [--model DIR] [--policy FILE|PRESET] [--skip-invalid]
          safechat policy validate FILE|PRESET
          safechat --help
          safechat --version

        Commands:
          score   Read conversations as JSONL from INPUT (a path, or - for stdin) and write one JSON result
                  per conversation to stdout, in input order. A summary line goes to stderr.
          policy validate
                  Load a policy file (or preset) and report every error as file:line:column: path: reason.

        Options for score:
          --model DIR       Load the ONNX models from DIR instead of the embedded default models.
          --policy FILE     Apply a policy file or a preset (strict-minors, standard); its decisions
                            appear in each result.
          --skip-invalid    Report each invalid line on stderr and go on, instead of stopping at the first one.

        Training moved to its own tool: dotnet tool install -g SafeChat.Training, then safechat-train --help.

        Exit codes: 0 success, 1 invalid input or load failure, 2 usage error.
        """;

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

    public async Task<int> RunAsync(string[] args, Stream stdin, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            await stderr.WriteLineAsync(Usage);
            return ExitUsage;
        }

        switch (args[0])
        {
            case "-h" or "--help" or "help":
                await WriteLineAsync(stdout, Usage, cancellationToken);
                return ExitOk;
            case "--version":
                await WriteLineAsync(stdout, "safechat " + Version, cancellationToken);
                return ExitOk;
            case "score":
                return await ScoreAsync(args.AsSpan(1).ToArray(), stdin, stdout, stderr, cancellationToken);
            case "train":
                await stderr.WriteLineAsync("error: training moved to the safechat-train tool (dotnet tool install -g SafeChat.Training; safechat-train --help).");
                return ExitUsage;
            case "policy":
                return await PolicyAsync(args.AsSpan(1).ToArray(), stdout, stderr, cancellationToken);
            default:
                await stderr.WriteLineAsync($"error: unknown command '{args[0]}'. Run 'safechat --help'.");
                return ExitUsage;
        }
    }

    private static async Task<int> PolicyAsync(string[] args, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Length != 2 || args[0] != "validate")
        {
            await stderr.WriteLineAsync("usage: safechat policy validate FILE|PRESET");
            return ExitUsage;
        }

        try
        {
            var definition = DefaultPolicy.Definition(args[1]);
            var engine = new PolicyEngine(definition);
            await WriteLineAsync(stdout, $"ok: {args[1]}: policy {engine.Version}, {definition.Rules.Count} rules", cancellationToken);
            return ExitOk;
        }
        catch (PolicyValidationException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return ExitFailure;
        }
    }

    private async Task<int> ScoreAsync(string[] args, Stream stdin, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string? input = null;
        string? model = null;
        string? policyPath = null;
        var skipInvalid = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? inlineValue = null;
            var equals = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            if (equals > 0)
            {
                inlineValue = arg[(equals + 1)..];
                arg = arg[..equals];
            }

            switch (arg)
            {
                case "-h" or "--help":
                    await WriteLineAsync(stdout, Usage, cancellationToken);
                    return ExitOk;
                case "--skip-invalid" when inlineValue is null:
                    skipInvalid = true;
                    break;
                case "--model" or "--policy":
                    var value = inlineValue ?? (i + 1 < args.Length ? args[++i] : null);
                    if (string.IsNullOrEmpty(value))
                    {
                        await stderr.WriteLineAsync($"error: {arg} needs a value.");
                        return ExitUsage;
                    }

                    if (arg == "--model")
                    {
                        model = value;
                    }
                    else
                    {
                        policyPath = value;
                    }

                    break;
                default:
                    if (arg.StartsWith('-') && arg != "-")
                    {
                        await stderr.WriteLineAsync($"error: unknown option '{args[i]}' for 'score'. Run 'safechat --help'.");
                        return ExitUsage;
                    }

                    if (input is not null)
                    {
                        await stderr.WriteLineAsync($"error: 'score' takes one INPUT, got '{input}' and '{arg}'.");
                        return ExitUsage;
                    }

                    input = arg;
                    break;
            }
        }

        if (input is null)
        {
            await stderr.WriteLineAsync("error: 'score' needs an INPUT (a JSONL file, or - for stdin).");
            return ExitUsage;
        }

        ISafetyScorer scorer;
        IMessagePolicy? policy;
        try
        {
            scorer = scorerFactory(model);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await stderr.WriteLineAsync($"error: could not load the model: {ex.Message}");
            return ExitFailure;
        }

        try
        {
            policy = policyLoader(policyPath);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await stderr.WriteLineAsync($"error: could not load the policy: {ex.Message}");
            return ExitFailure;
        }

        var settings = new ScoreSettings(input == "-" ? "<stdin>" : input, skipInvalid);
        if (input == "-")
        {
            return await ScoreCommand.RunAsync(settings, scorer, policy, stdin, stdout, stderr, timeProvider, cancellationToken);
        }

        FileStream file;
        try
        {
            file = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await stderr.WriteLineAsync($"error: cannot read '{input}': {ex.Message}");
            return ExitFailure;
        }

        await using (file)
        {
            return await ScoreCommand.RunAsync(settings, scorer, policy, file, stdout, stderr, timeProvider, cancellationToken);
        }
    }

    private static async Task WriteLineAsync(Stream stream, string text, CancellationToken cancellationToken)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text + "\n");
        await stream.WriteAsync(bytes, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }
}
