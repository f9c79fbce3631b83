using SafeChat.Core.Tests.Support;
using SafeChat.Engine;
using SafeChat.Scoring;

namespace SafeChat.Core.Tests.Engine;

/// <summary>
/// The batch path keeps its working arrays from one completed batch to the next: batches of other sizes and shapes on the
/// same engine must give exactly what processing the same messages one by one gives.
/// </summary>
public class BatchScratchReuseTests
{
    private static List<MessageEnvelope> Batch(string prefix, int rooms, int messagesPerRoom, bool interleaved)
    {
        var adult = EngineTestKit.Adult("adult");
        var kid = EngineTestKit.Child("kid");
        var envelopes = new List<MessageEnvelope>();
        if (interleaved)
        {
            for (var m = 0; m < messagesPerRoom; m++)
            {
                for (var r = 0; r < rooms; r++)
                {
                    envelopes.Add(EngineTestKit.Message($"{prefix}-{r}", $"m{m}", m % 2 == 0 ? adult : kid, $"text {m} {r} {prefix}", m % 2 == 0 ? kid : adult));
                }
            }
        }
        else
        {
            for (var r = 0; r < rooms; r++)
            {
                for (var m = 0; m < messagesPerRoom; m++)
                {
                    envelopes.Add(EngineTestKit.Message($"{prefix}-{r}", $"m{m}", m % 2 == 0 ? adult : kid, $"text {m} {r} {prefix}", m % 2 == 0 ? kid : adult));
                }
            }
        }

        return envelopes;
    }

    private static string Describe(MessageEvaluation e) =>
        $"{e.MessageIndex} {e.IsDuplicate} {e.RaisedAlert} {e.FirstAlertIndex} {e.Assessment.Risk} {e.SenderCounters.MessagesLastHour}";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ProcessBatchAsync_SuccessiveBatchesOfOtherShapes_SameAsOneByOne(int parallelism)
    {
        // Many conversations, then one, then a few interleaved ones (some continuing earlier rooms), then many again.
        List<MessageEnvelope>[] batches =
        [
            Batch("a", 40, 3, interleaved: false),
            Batch("b", 1, 12, interleaved: false),
            [.. Batch("c", 3, 5, interleaved: true), .. Batch("a", 2, 2, interleaved: true).Select(e => e with { Message = e.Message with { Id = "late-" + e.Message.Id } })],
            Batch("d", 25, 4, interleaved: true),
        ];
        var batched = new SafeChatEngine(new WindowScorer(), new SafeChatEngineOptions { MaxDegreeOfParallelism = parallelism });
        var single = new SafeChatEngine(new WindowScorer(), new SafeChatEngineOptions { MaxDegreeOfParallelism = 1 });

        foreach (var batch in batches)
        {
            var results = await batched.ProcessBatchAsync(batch);
            var expected = new List<string>();
            foreach (var envelope in batch)
            {
                expected.Add(Describe(await single.ProcessAsync(envelope)));
            }

            Assert.Equal(expected, results.Select(Describe));
        }
    }

    // A risk that depends on the whole window (its length and the signals in it), so a wrong step or grouping shows.
    private sealed class WindowScorer : ISafetyScorer
    {
        public ScorerDescriptor Descriptor { get; } = new("window", "window-1", SignalNames.All, new Dictionary<string, float>());

        public MessageSignals AnalyzeMessage(string text)
        {
            var probabilities = new float[SignalNames.All.Count];
            probabilities[0] = (text.GetHashCode(StringComparison.Ordinal) & 0xFF) / 256f;
            return new MessageSignals(probabilities, new float[HarmNames.All.Count]);
        }

        public IReadOnlyList<MessageSignals> AnalyzeBatch(IReadOnlyList<string> texts) => texts.Select(AnalyzeMessage).ToArray();

        public RiskAssessment Assess(IReadOnlyList<WindowMessage> window)
        {
            var sum = 0f;
            foreach (var message in window)
            {
                sum += message.Signals.Probabilities[0] * (message.Index + 1);
            }

            var risk = Math.Min(1f, sum / (10f * window.Count));
            return new RiskAssessment(HarmNames.All.ToDictionary(h => h, _ => risk, StringComparer.Ordinal), [], []);
        }
    }
}
