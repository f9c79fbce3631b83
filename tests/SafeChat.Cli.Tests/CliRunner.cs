using System.Text;
using System.Text.Json;
using SafeChat.Policies;
using SafeChat.Scoring;
using SafeChat.Testing;

namespace SafeChat.Cli.Tests;

/// <summary>Runs the CLI in-process with captured streams.</summary>
internal sealed class CliRunner
{
    public MarkerScorer Scorer { get; } = new();

    public IMessagePolicy? Policy { get; init; }

    public string? LoadedModel { get; private set; }

    public string? LoadedPolicy { get; private set; }

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    /// <summary>A fixture of this test project (tests/SafeChat.Cli.Tests/Fixtures).</summary>
    public static string Fixture2(string name) => Path.Combine(AppContext.BaseDirectory, "cli-fixtures", name);

    public async Task<CliRun> RunAsync(string[] args, byte[]? stdin = null)
    {
        var app = new CliApplication(
            model =>
            {
                LoadedModel = model;
                return Scorer;
            },
            policy =>
            {
                LoadedPolicy = policy;
                return Policy;
            },
            TimeProvider.System)
        {
            ShowProgress = false,
        };
        using var input = new MemoryStream(stdin ?? []);
        using var output = new MemoryStream();
        using var error = new StringWriter();
        var exitCode = await app.RunAsync(args, input, output, error, CancellationToken.None);
        return new CliRun(exitCode, Encoding.UTF8.GetString(output.ToArray()), error.ToString());
    }

    public static async Task<string> WriteTempAsync(string name, byte[] content)
    {
        var directory = Path.Combine(Path.GetTempPath(), "safechat-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        await File.WriteAllBytesAsync(path, content);
        return path;
    }
}

internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string[] StderrLines => Stderr.Replace("\r", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public JsonElement[] Results => StdoutLines.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();
}
