using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Inference;
using SafeChat.Scoring;

namespace SafeChat.Inference.Tests.Detection;

/// <summary>One scorer (the shipped default models) shared by the detection tests.</summary>
public sealed class ScorerFixture : IDisposable
{
    // The message cache is off here so that every test scores its texts (parity and batch-independence tests would
    // otherwise compare a result with itself); Caching/ScorerMessageCacheTests covers the cache.
    public OnnxSafetyScorer Scorer { get; } = new Func<OnnxSafetyScorer>(() =>
    {
        var scorer = OnnxSafetyScorer.LoadDefault();
        scorer.MessageCacheCapacity = 0;
        return scorer;
    })();

    public float Threshold(string harm) => Scorer.Descriptor.AlertThresholds[harm];

    /// <summary>Replays a conversation through the engine itself and returns its assessment after each message.</summary>
    public List<RiskAssessment> Replay(IReadOnlyList<(string Author, AgeBand Age, string Text)> messages)
    {
        var engine = new SafeChatEngine(Scorer);
        var people = messages.GroupBy(m => m.Author).Select(g => new Participant(g.Key, g.First().Age)).ToArray();
        var room = new Room("replay", people.Length == 2 ? RoomKind.Direct : RoomKind.Group);
        var result = new List<RiskAssessment>();
        for (int i = 0; i < messages.Count; i++)
        {
            var sender = people.First(p => p.Id == messages[i].Author);
            var envelope = new MessageEnvelope(
                new ChatMessage(i.ToString(System.Globalization.CultureInfo.InvariantCulture), room.Id, sender.Id, messages[i].Text, DateTimeOffset.UnixEpoch.AddSeconds(i)),
                room,
                sender,
                people.Where(p => p != sender).ToArray());
            result.Add(engine.ProcessAsync(envelope).AsTask().GetAwaiter().GetResult().Assessment);
        }

        return result;
    }

    public float Probability(string text, string signal)
    {
        int index = Scorer.Descriptor.SignalNames.ToList().IndexOf(signal);
        return Scorer.AnalyzeMessage(text).Probabilities[index];
    }

    public void Dispose() => Scorer.Dispose();
}
