using System.Diagnostics;
using System.Globalization;
using SafeChat.Engine;
using SafeChat.Inference;

namespace SafeChat.Benchmarks.Engine;

/// <summary>
/// <c>--engine-throughput</c>: 20,000 game-chat conversations of 4 messages (interleaved) through the engine, one by
/// one (ProcessAsync) and in batches of 4,000 messages (ProcessBatchAsync) with 1 and with all cores, reporting
/// messages/s, process CPU time and allocated bytes per message. CPU per message is the figure that survives a shared machine.
/// </summary>
public static class EngineThroughputReport
{
    public static int Run(TextWriter output)
    {
        using var scorer = OnnxSafetyScorer.LoadDefault();
        var warm = GameChat.Envelopes(2_000, 4, "w");
        // With the message cache off (every message scored) and on (the default; GameChat has 16 distinct lines, so
        // every message after the warm-up is a hit: the engine's cost without the per-message model work).
        foreach (var capacity in new[] { 0, OnnxSafetyScorer.DefaultMessageCacheCapacity })
        {
            scorer.MessageCacheCapacity = capacity;
            var cache = capacity == 0 ? ", cache off" : ", cache on";
            for (int round = 0; round < 3; round++)
            {
                Measure(output, scorer, "ProcessAsync one by one" + cache, 1, batch: false, round, warm);
                Measure(output, scorer, "ProcessBatchAsync, 1 core" + cache, 1, batch: true, round, warm);
                Measure(output, scorer, "ProcessBatchAsync + callback, 1 core" + cache, 1, batch: true, round, warm, callback: true);
                Measure(output, scorer, $"ProcessBatchAsync, {Environment.ProcessorCount} cores" + cache, Environment.ProcessorCount, batch: true, round, warm);
            }
        }

        return 0;
    }

    private static void Measure(TextWriter output, OnnxSafetyScorer scorer, string label, int parallelism, bool batch, int round, MessageEnvelope[] warm, bool callback = false)
    {
        var engine = new SafeChatEngine(scorer, new SafeChatEngineOptions { MaxDegreeOfParallelism = parallelism });
        engine.ProcessBatchAsync(warm).AsTask().GetAwaiter().GetResult();
        var envelopes = GameChat.Envelopes(20_000, 4, "t" + round.ToString(CultureInfo.InvariantCulture));
        GC.Collect();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        if (batch)
        {
            long decisions = 0;
            for (int i = 0; i < envelopes.Length; i += 4_000)
            {
                var slice = envelopes.AsMemory(i, Math.Min(4_000, envelopes.Length - i)).ToArray();
                if (callback)
                {
                    // The evaluations are handed over one at a time (what `safechat score` does): none lives for the batch.
                    engine.ProcessBatchAsync(slice, (_, evaluation) => decisions += evaluation.Decisions.Count).AsTask().GetAwaiter().GetResult();
                }
                else
                {
                    engine.ProcessBatchAsync(slice).AsTask().GetAwaiter().GetResult();
                }
            }

            GC.KeepAlive(decisions);
        }
        else
        {
            foreach (var envelope in envelopes)
            {
                engine.ProcessAsync(envelope).AsTask().GetAwaiter().GetResult();
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label,-40} {envelopes.Length / seconds,10:N0} messages/s  {cpuSeconds * 1e6 / envelopes.Length,6:0.0} µs CPU/message  {(double)bytes / envelopes.Length,7:N0} B allocated/message"));
    }
}
