using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Policies;
using SafeChat.Testing;
using static SafeChat.Core.Tests.Support.EngineTestKit;

namespace SafeChat.Core.Tests.Engine;

// Without a policy, directory or matcher the engine makes a message's context and fired signal names when the evaluation
// is first read: they must be what a policy is shown when the engine builds them at once.
public class DeferredContextTests
{
    private static readonly Participant Groomer = Adult("adult-1");
    private static readonly Participant Kid = Child("child-1");

    private static readonly string[] Texts =
    [
        "hi there",
        "add me on discord, coolgames.gg/abc",
        "[secrecy] dont tell your mom",
        "my number is 555 123 4567",
        "ok",
    ];

    [Fact]
    public async Task ProcessBatchAsync_NoPolicy_ContextMatchesWhatAPolicyIsShown()
    {
        var envelopes = Texts.Select((text, i) => Message("room", $"m{i}", i % 2 == 0 ? Groomer : Kid, text, i % 2 == 0 ? Kid : Groomer)).ToArray();
        var shown = new ShowingPolicy();
        var deferred = await new SafeChatEngine(new MarkerScorer()).ProcessBatchAsync(envelopes);
        var eager = await new SafeChatEngine(new MarkerScorer(), policy: shown).ProcessBatchAsync(envelopes);

        Assert.Equal(envelopes.Length, shown.Contexts.Count);
        for (var i = 0; i < envelopes.Length; i++)
        {
            AssertSameContext(shown.Contexts[i], deferred[i].Context!);
            Assert.Equal(eager[i].Signals, deferred[i].Signals);
            Assert.Same(deferred[i].Context, deferred[i].Context);
            Assert.Same(deferred[i].Signals, deferred[i].Context!.MessageSignals);
            Assert.Empty(deferred[i].Escalations);
        }

        Assert.Contains(deferred, e => e.Signals.Count > 0);
        Assert.Contains(deferred, e => e.Context!.Features.HasLink);
    }

    [Fact]
    public async Task ProcessAsync_NoPolicy_ContextMatchesWhatAPolicyIsShown()
    {
        var shown = new ShowingPolicy();
        var deferredEngine = new SafeChatEngine(new MarkerScorer());
        var eagerEngine = new SafeChatEngine(new MarkerScorer(), policy: shown);
        for (var i = 0; i < Texts.Length; i++)
        {
            var envelope = Message("room", $"m{i}", Groomer, Texts[i], Kid);
            var deferred = await deferredEngine.ProcessAsync(envelope);
            var eager = await eagerEngine.ProcessAsync(envelope);

            AssertSameContext(shown.Contexts[i], deferred.Context!);
            Assert.Equal(eager.Signals, deferred.Signals);
            Assert.Equal(eager.SenderCounters, deferred.SenderCounters);
        }
    }

    private static void AssertSameContext(MessageContext expected, MessageContext actual)
    {
        Assert.Same(expected.Message, actual.Message);
        Assert.Same(expected.Room, actual.Room);
        Assert.Same(expected.Sender, actual.Sender);
        Assert.Same(expected.Recipients, actual.Recipients);
        Assert.Equal(expected.ConnectedRecipientIds, actual.ConnectedRecipientIds);
        Assert.Equal(expected.RecipientRelationships, actual.RecipientRelationships);
        Assert.Equal(expected.ModelAlertThresholds, actual.ModelAlertThresholds);
        Assert.Equal(expected.MessageIndex, actual.MessageIndex);
        Assert.Equal(expected.Assessment.Risk, actual.Assessment.Risk);
        Assert.Equal(expected.SenderHarms, actual.SenderHarms);
        Assert.Equal(expected.MessageSignals, actual.MessageSignals);
        Assert.Equal(expected.SenderCounters, actual.SenderCounters);
        Assert.Equal(expected.Features, actual.Features);
        Assert.Equal(expected.ModelVersion, actual.ModelVersion);
        Assert.Empty(actual.ImageMatches);
        Assert.Empty(actual.SharedSignalLeads);
    }

    // Decides nothing and keeps every context it is shown (so the engine builds each context before the policy runs).
    private sealed class ShowingPolicy : IMessagePolicy
    {
        public List<MessageContext> Contexts { get; } = [];

        public string Version => "showing-1";

        public ValueTask<IReadOnlyList<Decision>> EvaluateMessageAsync(MessageContext context, CancellationToken cancellationToken = default)
        {
            Contexts.Add(context);
            return new ValueTask<IReadOnlyList<Decision>>([]);
        }

        public ValueTask<IReadOnlyList<Decision>> EvaluateJoinAsync(JoinContext context, CancellationToken cancellationToken = default) =>
            new([]);
    }
}
