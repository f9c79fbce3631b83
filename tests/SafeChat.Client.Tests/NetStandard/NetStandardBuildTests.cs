using System.Diagnostics;
using System.Reflection;
using System.Text;
using SafeChat.NetStandard.Probe;

namespace SafeChat.Client.Tests.NetStandard;

/// <summary>
/// The netstandard2.1 builds of Core, Client and Inference (what a Unity project gets) give the same results as the
/// net10.0 builds: the probe (tests/SafeChat.NetStandard.Probe) replays the demo conversations through the
/// netstandard2.1 assemblies in its own process; this test replays them through the net10.0 assemblies in-process.
/// </summary>
public class NetStandardBuildTests
{
    private const string NetStandard = ".NETStandard,Version=v2.1";
    private const string Net10 = ".NETCoreApp,Version=v10.0";

    [Fact]
    public async Task CheckAsync_DemoConversationsOnNetStandardBuild_SameResultsAsNet10Build()
    {
        string demo = Metadata("DemoConversations");
        var net10 = await DemoReplay.RunAsync(demo);
        var probe = RunProbe(Metadata("ProbeAssembly"), demo).Split('\n');

        // The probe really ran the netstandard2.1 builds, and this process the net10.0 ones.
        Assert.Equal(
            ["# SafeChat.Core: " + NetStandard, "# SafeChat.Client: " + NetStandard, "# SafeChat.Inference: " + NetStandard],
            probe.Take(3));
        Assert.Equal(
            ["# SafeChat.Core: " + Net10, "# SafeChat.Client: " + Net10, "# SafeChat.Inference: " + Net10],
            DemoReplay.DescribeBuilds());

        // Every message of the 9 demo conversations, on every participant's device, byte for byte.
        string expected = string.Concat(net10.Select(line => line + "\n"));
        string actual = string.Join('\n', probe.Skip(3));
        Assert.Equal(expected, actual);
        Assert.True(net10.Count > 200, $"only {net10.Count} checks");
        Assert.Contains(net10, line => line.Contains("grooming-escalate:Escalate", StringComparison.Ordinal));
        Assert.Contains(net10, line => line.Contains("sextortion-escalate:Escalate", StringComparison.Ordinal));
    }

    private static string Metadata(string key) =>
        typeof(NetStandardBuildTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static string RunProbe(string probeAssembly, string demo)
    {
        Assert.True(File.Exists(probeAssembly), $"the probe was not built: {probeAssembly}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(probeAssembly);
        start.ArgumentList.Add(demo);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"probe exited with {process.ExitCode}: {stderr.Result}");
        return stdout;
    }
}
