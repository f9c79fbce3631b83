using System.Text;

namespace SafeChat.Cli.Tests;

public class ImageCommandTests
{
    private static string Photo(string name) => CliRunner.Fixture(Path.Combine("pdq-reference", name));

    [Fact]
    public async Task ImageHash_ReferencePhotos_HashQualityFileLines()
    {
        var files = new[] { Photo("bridge-mods/aaa-orig.jpg"), Photo("labelme-subset/q0003.jpg") };

        var run = await new CliRunner().RunAsync(["image", "hash", .. files]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, run.StdoutLines.Length);
        var first = run.StdoutLines[0].Split(',');
        Assert.Equal(64, first[0].Length);
        Assert.InRange(int.Parse(first[1], System.Globalization.CultureInfo.InvariantCulture), 0, 100);
        Assert.Equal(files[0], first[2]);
    }

    [Fact]
    public async Task ImageHash_Dihedral_EightLinesPerImage()
    {
        var run = await new CliRunner().RunAsync(["image", "hash", "--dihedral", Photo("bridge-mods/aaa-orig.jpg")]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(8, run.StdoutLines.Length);
        Assert.EndsWith("#flipminus1", run.StdoutLines[7], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImageHash_UnreadableAndNotAnImage_ClearErrorsOthersStillHashed()
    {
        var notImage = await CliRunner.WriteTempAsync("notes.jpg", Encoding.UTF8.GetBytes("hello"));
        var truncated = await CliRunner.WriteTempAsync("cut.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]);

        var run = await new CliRunner().RunAsync(["image", "hash", "/nonexistent/x.jpg", notImage, truncated, Photo("labelme-subset/q0003.jpg")]);

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.StdoutLines);
        Assert.Equal("error: /nonexistent/x.jpg: cannot read the file (DirectoryNotFound)", run.StderrLines[0]);
        Assert.StartsWith($"error: {notImage}: The file is not an image", run.StderrLines[1], StringComparison.Ordinal);
        Assert.StartsWith($"error: {truncated}: The image could not be decoded: the JPEG header is truncated", run.StderrLines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImageMatch_ListedAndUnrelated_OnlyListedPrinted()
    {
        var hash = (await new CliRunner().RunAsync(["image", "hash", Photo("bridge-mods/aaa-orig.jpg")])).StdoutLines[0].Split(',')[0];
        var list = await CliRunner.WriteTempAsync("list.csv", Encoding.UTF8.GetBytes($"type,hash,list,label\npdq,{hash},test-list,A1\n"));

        var run = await new CliRunner().RunAsync(["image", "match", Photo("bridge-mods/blur-a-lot.jpg"), Photo("labelme-subset/q1050.jpg"), "--list", list]);

        Assert.Equal(0, run.ExitCode);
        var line = Assert.Single(run.StdoutLines).Split(',');
        Assert.Equal((Photo("bridge-mods/blur-a-lot.jpg"), "test-list", "pdq", "A1"), (line[0], line[1], line[2], line[4]));
        Assert.InRange(int.Parse(line[3], System.Globalization.CultureInfo.InvariantCulture), 0, 31);
        Assert.Equal("matched 1 of 2 files against 1 hashes", run.StderrLines[^1]);
    }

    [Fact]
    public async Task ImageMatch_BadListLine_ErrorNamesFileAndLine()
    {
        var list = await CliRunner.WriteTempAsync("bad.csv", Encoding.UTF8.GetBytes("md5," + new string('a', 32) + ",ok\npdq,nothex,secret-name\n"));

        var run = await new CliRunner().RunAsync(["image", "match", Photo("labelme-subset/q0003.jpg"), "--list", list]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: bad.csv:2: a pdq hash is 64 hex digits", Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task ImageMatch_NoList_UsageError()
    {
        var run = await new CliRunner().RunAsync(["image", "match", Photo("labelme-subset/q0003.jpg")]);

        Assert.Equal(2, run.ExitCode);
    }
}
