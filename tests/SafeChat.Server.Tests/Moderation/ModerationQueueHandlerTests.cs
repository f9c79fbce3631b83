using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Escalation;
using SafeChat.Server.Moderation;
using SafeChat.Server.Tests.Support;


namespace SafeChat.Server.Tests.Moderation;

public sealed class ModerationQueueHandlerTests
{
    [Fact]
    public async Task Escalation_ModerationQueueDownAtFirst_RecordedOnceByTheDispatchersRetry()
    {
        var queue = new FlakyQueue(failures: 2);
        await using var host = await ChatTestHost.StartAsync(
            configure: o =>
            {
                o.Dispatcher.InitialBackoff = TimeSpan.FromMilliseconds(50);
                o.Dispatcher.MaxBackoff = TimeSpan.FromMilliseconds(100);
            },
            services: s => s.AddSingleton<IEscalationQueue>(queue));
        host.Rooms.Create("lobby", RoomKind.Public, new Participant("teen-1", AgeBand.Teen));
        await using var adult = await host.ConnectAsync("adult-1", 33);

        foreach (var line in new[] { "how old r u", "so mature", "our secret", "add my snap", "gg" })
        {
            Assert.Contains(await HeldAware.SendAsync(adult, "lobby", line), new[] { "delivered", "held" });
        }

        var record = Assert.Single(await EscalationQueueWait.ListAsync(queue));
        Assert.Equal("grooming-escalate", record.Escalation.RuleId);
        Assert.Equal(3, queue.Attempts);
        var dispatcher = host.Services.GetRequiredService<EscalationDispatcher>();
        Assert.Contains("moderation-queue", dispatcher.HandlerNames);
    }

    [Fact]
    public async Task ModerateMessageAsync_Escalation_ReturnsTheKeyOnceAndTheEnginesContext()
    {
        await using var host = await ChatTestHost.StartAsync();
        var moderator = host.Services.GetRequiredService<SafeChatModerator>();
        var room = new Room("dm-1", RoomKind.Direct);
        var adult = new Participant("adult-1", AgeBand.Adult, AgeAssurance.Verified);
        var teen = new Participant("teen-1", AgeBand.Teen);
        var keys = new List<string>();
        MessageModerationResult? last = null;
        var i = 0;
        foreach (var line in new[] { "how old r u", "so mature", "our secret", "add my snap", "gg" })
        {
            last = await moderator.ModerateMessageAsync(new MessageEnvelope(new ChatMessage($"m{i++}", room.Id, adult.Id, line, DateTimeOffset.UtcNow), room, adult, [teen]));
            keys.AddRange(last.EscalationIds);
        }

        Assert.Equal([EscalationEvents.CreateIdempotencyKey("grooming-escalate", "dm-1", "adult-1")], keys);
        Assert.NotNull(last!.Evaluation!.Context);
        Assert.Same(adult, last.Evaluation.Context.Sender);
        Assert.Equal(last.Evaluation.MessageIndex, last.Evaluation.Context.MessageIndex);
    }

    private sealed class FlakyQueue(int failures) : IEscalationQueue
    {
        private readonly InMemoryEscalationQueue _inner = new();
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public ValueTask<bool> TryAddAsync(EscalationEvent escalation, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _attempts) <= failures
                ? throw new SafeChatStateUnavailableException("moderation queue down")
                : _inner.TryAddAsync(escalation, cancellationToken);

        public ValueTask<IReadOnlyList<EscalationRecord>> ListAsync(EscalationStatus? status, int limit, CancellationToken cancellationToken = default) =>
            _inner.ListAsync(status, limit, cancellationToken);

        public ValueTask<EscalationRecord?> GetAsync(string id, CancellationToken cancellationToken = default) => _inner.GetAsync(id, cancellationToken);

        public ValueTask<EscalationUpdateResult> ReviewAsync(string id, EscalationReview review, CancellationToken cancellationToken = default) =>
            _inner.ReviewAsync(id, review, cancellationToken);

        public ValueTask<EscalationUpdateResult> AppealAsync(string id, EscalationAppeal appeal, CancellationToken cancellationToken = default) =>
            _inner.AppealAsync(id, appeal, cancellationToken);
    }
}
