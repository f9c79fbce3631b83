using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SafeChat.Engine;
using SafeChat.Policies;
using SafeChat.Testing;

namespace SafeChat.Cli.Tests;

/// <summary>
/// Issue 10: a fixed-seed, bounded mutation run of input lines through the real score path (parser, engine,
/// strict-minors policy, output writer) with the cheap marker scorer. Every line yields one result or one named error,
/// nothing crashes, and no error repeats text from a string value. Longer runs: SAFECHAT_FUZZ_ITERATIONS=N (batches
/// of 10 lines; default 150) and SAFECHAT_FUZZ_SEED.
/// </summary>
public sealed partial class FuzzTests
{
    // Every string value carries the marker "zq", which must never show up in an error.
    private static readonly string[] Seeds =
    [
        """{"id":"zq-c1","participants":[{"id":"zq-adult","age":35},{"id":"zq-kid","age":12,"age_assurance":"verified"}],"room":{"id":"zq-r","kind":"direct"},"messages":[{"author":"zq-adult","time":"2025-05-02T17:00:05Z","text":"zq hey [age_probe]"},{"author":"zq-kid","time":"2025-05-02T17:00:40Z","text":"zq 12"},{"author":"zq-adult","text":"zq [secrecy] [off_platform]"}]}""",
        """{"id":"zq-c2","messages":[{"author":"zq-a","time":1746205200,"text":"zq hi"},{"author":"zq-b","time":"23:59","text":"zq yo"},{"author":"zq-a","time":null,"text":null},{"author":42,"time":"-8","text":"zq [payment_demand] [deadline]"}]}""",
        """{"id":7,"participants":[{"id":"zq-x","age":"16","age_assurance":"self_declared"}],"room":{"kind":"group"},"messages":[{"author":"zq-x","text":"zq \u202Ecip a em dnes"},{"text":"zq anonymous"}],"label":"zq-ignored","extra":{"zq":["zq"]}}""",
        """{"id":"zq-c4","messages":[]}""",
    ];

    [GeneratedRegex(@"^<stdin>:(\d+): (.+) \(skipped\)$")]
    private static partial Regex SkippedLine();

    [GeneratedRegex(@"^scored (\d+) conversations, \d+ messages in \d+\.\d\d s \(\d+\.\d messages/s\)$")]
    private static partial Regex SummaryLine();

    [Fact]
    public async Task Score_MutatedLines_EveryLineGetsOneResultOrOneNamedErrorAndNothingCrashes()
    {
        var iterations = EnvInt("SAFECHAT_FUZZ_ITERATIONS", 150);
        var seed = EnvInt("SAFECHAT_FUZZ_SEED", 20_261_206);
        var mutator = new InputMutator(seed);
        var policy = new PolicyEngine(PolicyPresets.Load(PolicyPresets.StrictMinors));
        var seeds = Seeds.Select(Encoding.UTF8.GetBytes).ToArray();
        var errorsSeen = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var input = new List<byte>();
            for (var i = 0; i < 10; i++)
            {
                var line = seeds[mutator.Next(seeds.Length)];
                input.AddRange(mutator.Next(5) == 0 ? line : mutator.Mutate(line));
                input.Add((byte)'\n');
            }

            errorsSeen += await RunBatchAsync([.. input], policy, $"seed {seed}, iteration {iteration}");
        }

        // The run must exercise both paths, or it proves nothing.
        Assert.InRange(errorsSeen, iterations, iterations * 9);
    }

    private static async Task<int> RunBatchAsync(byte[] input, IMessagePolicy policy, string where)
    {
        var expected = ExpectedLineNumbers(input);
        using var output = new MemoryStream();
        using var error = new StringWriter();
        int exit;
        try
        {
            exit = await ScoreCommand.RunAsync(
                new ScoreSettings("<stdin>", SkipInvalid: true), new MarkerScorer(), policy, new MemoryStream(input), output, error,
                TimeProvider.System, CancellationToken.None, new SafeChatEngineOptions());
        }
        catch (Exception ex)
        {
            Assert.Fail($"{where}: {ex.GetType().Name}: {ex.Message}\ninput: {Show(input)}");
            throw;
        }

        var stdout = Encoding.UTF8.GetString(output.ToArray());
        var stderrLines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(exit == 0, $"{where}: exit {exit}\n{error}");
        AssertPrintable(stdout, where);
        AssertPrintable(error.ToString(), where);

        var results = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var result in results)
        {
            using var document = JsonDocument.Parse(result);
            Assert.Equal(10, document.RootElement.EnumerateObject().Count());
        }

        var summary = SummaryLine().Match(stderrLines[^1]);
        Assert.True(summary.Success, $"{where}: no summary line\n{error}");
        Assert.Equal(results.Length.ToString(CultureInfo.InvariantCulture), summary.Groups[1].Value);

        var errorLines = new HashSet<int>();
        foreach (var line in stderrLines[..^1])
        {
            if (line.StartsWith("skipped ", StringComparison.Ordinal))
            {
                continue;
            }

            var match = SkippedLine().Match(line);
            Assert.True(match.Success, $"{where}: unexpected stderr line: {line}");
            Assert.True(errorLines.Add(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)), $"{where}: two errors for one line: {line}");
            var reason = match.Groups[2].Value;
            Assert.DoesNotContain("zq", reason, StringComparison.Ordinal);
            Assert.DoesNotContain("unreadable line", reason, StringComparison.Ordinal); // the parser's safety net never fires
            Assert.True(reason.Length < 300, $"{where}: long error: {reason}");
        }

        Assert.Subset(expected, errorLines);
        Assert.True(results.Length + errorLines.Count == expected.Count, $"{where}: {expected.Count} lines, {results.Length} results, {errorLines.Count} errors\n{error}");
        return errorLines.Count;
    }

    /// <summary>The numbers of the lines the reader hands on (as JsonlLineReader splits and trims them, blank ones skipped).</summary>
    private static HashSet<int> ExpectedLineNumbers(byte[] input)
    {
        var numbers = new HashSet<int>();
        var start = 0;
        var number = 1;
        while (start < input.Length)
        {
            var newline = Array.IndexOf(input, (byte)'\n', start);
            var end = newline < 0 ? input.Length : newline;
            var line = input.AsSpan(start, end - start);
            if (number == 1 && line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                line = line[3..];
            }

            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (!ConversationParser.IsBlank(line))
            {
                numbers.Add(number);
            }

            number++;
            start = end + 1;
        }

        return numbers;
    }

    private static void AssertPrintable(string text, string where)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            Assert.False(c != '\n' && OutputText.NeedsEscape(c), $"{where}: raw U+{(int)c:X4} in the output or errors");
        }
    }

    private static string Show(byte[] input) => Convert.ToBase64String(input);

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
}
