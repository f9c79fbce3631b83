namespace SafeChat.Training.Tests.Tool;

/// <summary>The safechat-train entry point (what `safechat train` did before training became its own tool).</summary>
public sealed class TrainCommandTests
{
    [Fact]
    public async Task RunAsync_Help_PrintsUsageToStdoutAndSucceeds()
    {
        var (code, stdout, stderr) = await RunAsync("--help");

        Assert.Equal(0, code);
        Assert.StartsWith("safechat-train", stdout, StringComparison.Ordinal);
        Assert.Contains("usage: safechat-train --conversations FILE...", stdout, StringComparison.Ordinal);
        Assert.Contains("--seed N", stdout, StringComparison.Ordinal);
        Assert.Empty(stderr);
    }

    [Theory]
    [InlineData(new string[0], "at least one --conversations file is required")]
    [InlineData(new[] { "--conversations", "x.jsonl", "--frobnicate", "1" }, "unknown option --frobnicate")]
    [InlineData(new[] { "--conversations", "x.jsonl", "--seed", "-3" }, "option --seed needs a non-negative integer, got '-3'")]
    [InlineData(new[] { "--conversations", "/no/such/file.jsonl" }, "file not found: /no/such/file.jsonl")]
    public async Task RunAsync_BadArguments_ExitsWithUsageErrorNamingTheProblem(string[] args, string message)
    {
        var (code, stdout, stderr) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = await TrainCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
