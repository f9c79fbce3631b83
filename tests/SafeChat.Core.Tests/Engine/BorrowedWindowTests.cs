using SafeChat.Core.Tests.Support;
using SafeChat.Engine;
using SafeChat.Scoring;

namespace SafeChat.Core.Tests.Engine;

/// <summary>
/// A scorer that lets go of the window when Assess returns (internal IWindowBorrowingScorer) is lent a reused per-thread
/// array: it must see exactly the windows any other scorer sees, whatever conversations come in between.
/// </summary>
public class BorrowedWindowTests
{
    private static List<MessageEnvelope> Interleaved()
    {
        var adults = Enumerable.Range(0, 4).Select(i => EngineTestKit.Adult($"adult-{i}")).ToArray();
        var kid = EngineTestKit.Child("kid");
        var envelopes = new List<MessageEnvelope>();
        for (var m = 0; m < 12; m++)
        {
            for (var room = 0; room < 5; room++)
            {
                // Conversations of different lengths at different times, so windows of one length come from several of them.
                if (m < 4 + (room * 2))
                {
                    envelopes.Add(EngineTestKit.Message($"room-{room}", $"m{m}", adults[(m + room) % adults.Length], $"text {m} {room}", kid));
                }
            }
        }

        return envelopes;
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    public async Task Process_BorrowingScorer_SeesTheSameWindowsAsAKeepingScorer(int parallelism, bool batch)
    {
        var borrowing = new BorrowingScorer();
        var keeping = new KeepingScorer();
        foreach (var scorer in new RecordingScorer[] { borrowing, keeping })
        {
            var engine = new SafeChatEngine(scorer, new SafeChatEngineOptions { MaxDegreeOfParallelism = parallelism });
            var envelopes = Interleaved();
            if (batch)
            {
                await engine.ProcessBatchAsync(envelopes);
            }
            else
            {
                foreach (var envelope in envelopes)
                {
                    await engine.ProcessAsync(envelope);
                }
            }
        }

        Assert.Equal(keeping.Seen.Count, borrowing.Seen.Count);
        Assert.Equal(keeping.Seen.OrderBy(s => s, StringComparer.Ordinal), borrowing.Seen.OrderBy(s => s, StringComparer.Ordinal));
        Assert.True(borrowing.ReusedArrays > 0, "the borrowing scorer was never lent a reused array");
        Assert.Equal(0, keeping.ReusedArrays);
    }

    private abstract class RecordingScorer : ISafetyScorer
    {
        private readonly HashSet<object> _arrays = new(ReferenceEqualityComparer.Instance);

        public ScorerDescriptor Descriptor { get; } = new("recording", "recording-1", SignalNames.All, new Dictionary<string, float>());

        // Each window as text (room, indexes, authors, first signal), in the order Assess saw them.
        public List<string> Seen { get; } = [];

        public int ReusedArrays { get; private set; }

        public MessageSignals AnalyzeMessage(string text)
        {
            var probabilities = new float[SignalNames.All.Count];
            probabilities[0] = (text.Length % 10) / 10f;
            return new MessageSignals(probabilities, new float[HarmNames.All.Count]);
        }

        public IReadOnlyList<MessageSignals> AnalyzeBatch(IReadOnlyList<string> texts) => texts.Select(AnalyzeMessage).ToArray();

        public RiskAssessment Assess(IReadOnlyList<WindowMessage> window)
        {
            lock (Seen)
            {
                if (!_arrays.Add(window))
                {
                    ReusedArrays++;
                }

                Seen.Add(string.Join(" | ", window.Select(m => $"{m.Index} {m.AuthorId} {m.AuthorAge} {m.Signals.Probabilities[0]}")));
            }

            return RiskAssessment.None;
        }
    }

    private sealed class BorrowingScorer : RecordingScorer, IWindowBorrowingScorer;

    private sealed class KeepingScorer : RecordingScorer;
}
