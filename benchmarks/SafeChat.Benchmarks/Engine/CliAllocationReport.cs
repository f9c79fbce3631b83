using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;

namespace SafeChat.Benchmarks.Engine;

/// <summary>
/// <c>--cli-allocations INPUT [SAFECHAT_DLL]</c>: runs <c>safechat score INPUT</c> in this process (the CLI assembly,
/// default <c>src/SafeChat.Cli/bin/Release/net10.0/safechat.dll</c>, loaded by path with its own dependencies, so a build
/// of another commit can be measured) and reports the bytes allocated
/// over the whole run, start-up included, per message of INPUT, and the garbage collections. The CLI's results go to
/// standard output as usual (redirect them), the report to standard error. Allocation counts do not depend on the load
/// of the machine, so this compares two builds where wall-clock timings cannot.
/// </summary>
public static class CliAllocationReport
{
    public static int Run(string[] args, TextWriter report)
    {
        if (args.Length is < 1 or > 2 || !File.Exists(args[0]))
        {
            report.WriteLine("usage: --cli-allocations INPUT.jsonl [SAFECHAT_DLL]   (INPUT must exist)");
            return 2;
        }

        string input = args[0];
        string dll = Path.GetFullPath(args.Length > 1 ? args[1] : Path.Combine("src", "SafeChat.Cli", "bin", "Release", "net10.0", "safechat.dll"));
        if (!File.Exists(dll))
        {
            report.WriteLine($"--cli-allocations: {dll} not found (build it: dotnet build -c Release src/SafeChat.Cli).");
            return 2;
        }

        long messages = CountMessages(input);
        var entry = new CliLoadContext(dll).LoadFromAssemblyPath(dll).EntryPoint ?? throw new InvalidOperationException($"{dll} has no entry point.");
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        object? result = entry.Invoke(null, [new[] { "score", input }]);
        int exitCode = result switch
        {
            Task<int> task => task.GetAwaiter().GetResult(),
            int code => code,
            _ => 0,
        };
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        report.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"safechat score: exit {exitCode}, {messages:N0} messages, allocated {allocated / 1e6:N0} MB ({(messages == 0 ? 0 : allocated / messages):N0} B per message, start-up included); " +
            $"collections gen0 {GC.CollectionCount(0) - gen0}, gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}"));
        return exitCode;
    }

    private static long CountMessages(string path)
    {
        long count = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                count += list.GetArrayLength();
            }
        }

        return count;
    }

    // The CLI's assemblies (SafeChat.Core and the rest) come from its own folder, not from this benchmark's build.
    private sealed class CliLoadContext(string dll) : AssemblyLoadContext("safechat-cli")
    {
        private readonly AssemblyDependencyResolver _resolver = new(dll);

        protected override Assembly? Load(AssemblyName assemblyName) =>
            _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
