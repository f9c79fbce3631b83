using System.Diagnostics;
using System.Globalization;
using SafeChat.Engine;
using SafeChat.Inference;

namespace SafeChat.Benchmarks.Engine;

/// <summary>
/// <c>--device-latency</c>: the latency distribution of one message through <see cref="SafeChatEngine.ProcessAsync"/>
/// on one thread (the on-device path: normalization, tokenization, the signals model, the window, the assessment, the
/// counters), timed message by message after a warm-up. BenchmarkDotNet reports means; this reports p50/p99/max.
/// Pin it to one core with <c>taskset -c 0</c>.
/// </summary>
public static class DeviceLatencyReport
{
    public static int Run(TextWriter output)
    {
        using var scorer = OnnxSafetyScorer.LoadDefault();
        // Every message scored (no per-message output cache): the latency of a line never seen before.
        scorer.MessageCacheCapacity = 0;
        var engine = new SafeChatEngine(scorer, new SafeChatEngineOptions { MaxDegreeOfParallelism = 1 });
        var warmup = GameChat.Envelopes(2000, 8, "warm");
        var measured = GameChat.Envelopes(2000, 25, "run");
        foreach (var envelope in warmup)
        {
            engine.ProcessAsync(envelope).AsTask().GetAwaiter().GetResult();
        }

        var ticks = new long[measured.Length];
        for (int i = 0; i < measured.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            engine.ProcessAsync(measured[i]).AsTask().GetAwaiter().GetResult();
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }

        Array.Sort(ticks);
        double Micros(double q) => ticks[Math.Min(ticks.Length - 1, (int)(q * ticks.Length))] * 1e6 / Stopwatch.Frequency;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"one message through the engine, one thread, {measured.Length:N0} messages (2,000 game-chat conversations, windows up to 25 messages): " +
            $"p50 {Micros(0.50):0.0} µs, p90 {Micros(0.90):0.0} µs, p99 {Micros(0.99):0.0} µs, p99.9 {Micros(0.999):0.0} µs, max {Micros(1.0):0.0} µs, mean {ticks.Average() * 1e6 / Stopwatch.Frequency:0.0} µs"));
        return 0;
    }
}
