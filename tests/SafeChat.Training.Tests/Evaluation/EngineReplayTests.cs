using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Inference;
using SafeChat.Scoring;
using SafeChat.Testing;
using SafeChat.Training.Data;
using SafeChat.Training.Evaluation;

namespace SafeChat.Training.Tests.Evaluation;

/// <summary>
/// One pipeline: the training tool's replay (thresholds, aggregator rows, the model card's evaluation) runs on the
/// engine, so it gives byte-identical results to the engine driven as a server drives it.
/// </summary>
public sealed class EngineReplayTests
{
    private static readonly Lazy<OnnxSafetyScorer> Scorer = new(OnnxSafetyScorer.LoadDefault);

    [Fact]
    public async Task Replay_Scenarios_GivesTheEngineResultsExactly()
    {
        foreach (var scenario in Scenarios.All())
        {
            // The replay scores in batches, like the server path, so the engine gets the same batch-scored signals.
            var conversation = ToTraining(scenario);
            var signals = EngineReplay.ScoreMessages(Scorer.Value, conversation);
            var engine = new SafeChatEngine(Scorer.Value, EngineReplay.Options());
            var expected = await EngineDriver.TraceAsync(engine, scenario, signals);

            var actual = new List<string>();
            EngineReplay.Run(Scorer.Value.Descriptor, Scorer.Value.Assess, conversation, signals, step => actual.Add(EvaluationTrace.Of(step.Evaluation)));

            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Replay_LongConversation_WindowKeepsSalientOlderMessages()
    {
        var scenario = Scenarios.Demo().OrderByDescending(c => c.Messages.Count).First();
        var conversation = ToTraining(scenario);
        var padded = new ChatConversation
        {
            Id = conversation.Id,
            Source = conversation.Source,
            Label = conversation.Label,
            Group = conversation.Group,
            Ages = conversation.Ages,
            Messages = [.. conversation.Messages, .. Enumerable.Range(0, 60).Select(i => new ChatLine(conversation.Messages[1].Author, "ok", []))],
        };
        var signals = EngineReplay.ScoreMessages(Scorer.Value, padded);
        IReadOnlyList<WindowMessage> last = [];
        EngineReplay.Run(Scorer.Value.Descriptor, Scorer.Value.Assess, padded, signals, step => last = step.Window);

        var options = EngineReplay.Options();
        Assert.True(last.Count > options.WindowSize, "salient older messages stay in the window beyond the recent ones");
        Assert.Contains(last, m => m.Index < padded.Messages.Count - options.WindowSize);
    }

    private static ChatConversation ToTraining(ScenarioConversation scenario) => new()
    {
        Id = scenario.Room.Id,
        Source = "test",
        Label = HarmLabel.Benign,
        Group = scenario.Id,
        Ages = scenario.Participants.ToDictionary(p => p.Id, p => p.AgeBand),
        Messages = scenario.Messages.Select(m => new ChatLine(m.Author, m.Text, [])).ToArray(),
    };
}
