using System.Text;

namespace SafeChat.Cli.Tests;

public class SignalsCommandTests
{
    private static async Task<(string Secret, string Private, string Public)> SetUpAsync(CliRunner cli)
    {
        var secret = await CliRunner.WriteTempAsync("secret.b64", Encoding.UTF8.GetBytes(Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray())));
        var directory = Path.GetDirectoryName(secret)!;
        var privateKey = Path.Combine(directory, "a.key");
        var publicKey = Path.Combine(directory, "a.pub");
        Assert.Equal(0, (await cli.RunAsync(["signals", "keygen", "--private", privateKey, "--public", publicKey])).ExitCode);
        return (secret, privateKey, publicKey);
    }

    [Fact]
    public async Task ExportImportMatchRetract_RoundTrip_LeadsThenNone()
    {
        var cli = new CliRunner();
        var (secret, privateKey, publicKey) = await SetUpAsync(cli);
        var cases = await CliRunner.WriteTempAsync("cases.jsonl", Encoding.UTF8.GetBytes(
            "{\"case\":\"esc_1\",\"confirmed\":true,\"indicators\":[{\"type\":\"email\",\"value\":\"Bad.Actor@Example.com\"},{\"type\":\"payment_handle\",\"value\":\"$FastCash\"}]}\n"
            + "{\"case\":\"esc_2\",\"confirmed\":false,\"indicators\":[{\"type\":\"username\",\"value\":\"innocent_user\"}]}\n"));
        var exported = Path.Combine(Path.GetDirectoryName(cases)!, "a.indicators");
        string[] keys = ["--secret", secret, "--key-id", "k1"];

        var export = await cli.RunAsync(["signals", "export", cases, "-o", exported, "--producer", "platform-a", "--signing-key", privateKey, "--reason", "sextortion", .. keys]);

        Assert.Equal(0, export.ExitCode);
        Assert.Equal("cases.jsonl:2: not reviewer-confirmed (skipped)", Assert.Single(export.StderrLines));
        var text = await File.ReadAllTextAsync(exported);
        foreach (var raw in new[] { "bad.actor", "example.com", "fastcash", "innocent", "esc_1" })
        {
            Assert.DoesNotContain(raw, text, StringComparison.OrdinalIgnoreCase);
        }

        var import = await cli.RunAsync(["signals", "import", exported, "--trust", "platform-a=" + publicKey, .. keys]);
        Assert.Equal(0, import.ExitCode);
        Assert.StartsWith($"ok: {exported}: indicators from platform-a, 2 indicators, reason \"sextortion\"", import.Stdout, StringComparison.Ordinal);

        var match = await cli.RunAsync(["signals", "match", "email=bad.actor@example.com", "username=innocent_user", "--indicators", exported, "--trust", "platform-a=" + publicKey, .. keys]);
        Assert.Equal(["#1,email,platform-a,sextortion"], match.StdoutLines);

        var retraction = Path.Combine(Path.GetDirectoryName(cases)!, "a.retraction");
        Assert.Equal(0, (await cli.RunAsync(["signals", "export", cases, "-o", retraction, "--retract", "--producer", "platform-a", "--signing-key", privateKey, "--reason", "appeal upheld", .. keys])).ExitCode);
        var after = await cli.RunAsync(["signals", "match", "email=bad.actor@example.com", "--indicators", exported, retraction, "--trust", "platform-a=" + publicKey, .. keys]);
        Assert.Equal(0, after.ExitCode);
        Assert.Empty(after.Stdout);
    }

    [Fact]
    public async Task Import_TamperedFile_RefusedWithClearError()
    {
        var cli = new CliRunner();
        var (secret, privateKey, publicKey) = await SetUpAsync(cli);
        var cases = await CliRunner.WriteTempAsync("cases.jsonl", Encoding.UTF8.GetBytes("{\"case\":\"c\",\"confirmed\":true,\"indicators\":[{\"type\":\"username\",\"value\":\"x_user\"}]}\n"));
        var exported = Path.Combine(Path.GetDirectoryName(cases)!, "a.indicators");
        string[] keys = ["--secret", secret, "--key-id", "k1"];
        Assert.Equal(0, (await cli.RunAsync(["signals", "export", cases, "-o", exported, "--producer", "platform-a", "--signing-key", privateKey, "--reason", "grooming", .. keys])).ExitCode);
        await File.WriteAllTextAsync(exported, (await File.ReadAllTextAsync(exported)).Replace("grooming", "spam", StringComparison.Ordinal));

        var run = await cli.RunAsync(["signals", "import", exported, "--trust", "platform-a=" + publicKey, .. keys]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: a.indicators: the signature does not match", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_BadCaseLine_ErrorNamesFileAndLine()
    {
        var cli = new CliRunner();
        var (secret, privateKey, _) = await SetUpAsync(cli);
        var cases = await CliRunner.WriteTempAsync("cases.jsonl", Encoding.UTF8.GetBytes("{\"confirmed\":true,\"indicators\":[]}\n{\"confirmed\":true,\"indicators\":[{\"type\":\"shoe_size\",\"value\":\"9\"}]}\n"));

        var run = await cli.RunAsync(["signals", "export", cases, "-o", cases + ".out", "--producer", "p", "--signing-key", privateKey, "--reason", "r", "--secret", secret, "--key-id", "k1"]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: cases.jsonl:2: indicators[0]: expected", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
