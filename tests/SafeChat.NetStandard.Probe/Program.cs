using SafeChat.NetStandard.Probe;

// Usage: dotnet SafeChat.NetStandard.Probe.dll <conversations.jsonl>
// Prints the target framework of each loaded SafeChat assembly ("# " lines), then one canonical JSON line per check.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: SafeChat.NetStandard.Probe <conversations.jsonl>");
    return 2;
}

foreach (var line in DemoReplay.DescribeBuilds())
{
    Console.Out.Write(line + "\n");
}

foreach (var line in await DemoReplay.RunAsync(args[0]))
{
    Console.Out.Write(line + "\n");
}

return 0;
