using SafeChat.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var app = new CliApplication(DefaultScorer.Create, DefaultPolicy.Load, TimeProvider.System);
using var stdin = Console.OpenStandardInput();
using var stdout = StandardOutput.Open();
try
{
    return await app.RunAsync(args, stdin, stdout, Console.Error, cancellation.Token);
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("cancelled");
    return 130;
}
