using System.Diagnostics;

namespace SafeChat.Core.Tests.Support;

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> (calling <paramref name="tick"/> between polls, e.g. to advance fake time) until it holds.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, Action? tick = null, int timeoutMs = 5000)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.ElapsedMilliseconds > timeoutMs)
            {
                Assert.Fail($"Timed out after {timeoutMs} ms waiting for: {what}");
            }

            tick?.Invoke();
            await Task.Delay(5);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, Action? tick = null, int timeoutMs = 5000) =>
        TrueAsync(() => Task.FromResult(condition()), what, tick, timeoutMs);
}
