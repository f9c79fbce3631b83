using Microsoft.Extensions.Time.Testing;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Scoring;
using SafeChat.State;
using SafeChat.Testing;
using static SafeChat.Core.Tests.Support.EngineTestKit;

namespace SafeChat.Core.Tests.Engine;

/// <summary>
/// A slow burn: grooming moves spread over sessions days apart. MarkerScorer alerts for grooming once one author has
/// three distinct grooming signals in the window, so only a conversation that keeps its state across the gaps alerts.
/// </summary>
public class SlowBurnTests
{
    private static readonly Participant Groomer = Adult("adult-1");
    private static readonly Participant Kid = Child("child-1");

    // Three sessions, three and five days apart; each opens with small talk, and one grooming move per session.
    private static readonly (double Day, string Sender, string Text)[] Sessions =
    [
        (0, "kid", "hi"), (0, "adult", "[age_probe] how old are you"), (0, "kid", "13"),
        (3, "kid", "hey again"), (3, "adult", "[secrecy] keep this between us"), (3, "kid", "ok"),
        (8, "kid", "hi"), (8, "adult", "[meeting] lets meet at the mall"), (8, "kid", "maybe"),
    ];

    private static MessageEnvelope At(string room, int index, DateTimeOffset start, (double Day, string Sender, string Text) line)
    {
        var sender = line.Sender == "adult" ? Groomer : Kid;
        var other = line.Sender == "adult" ? Kid : Groomer;
        var time = start.AddDays(line.Day).AddMinutes(index);
        return new MessageEnvelope(new ChatMessage($"m{index}", room, sender.Id, line.Text, time), new Room(room, RoomKind.Direct), sender, [other]);
    }

    private static async Task<List<MessageEvaluation>> RunLiveAsync(SafeChatEngineOptions options)
    {
        var clock = new FakeTimeProvider(Start);
        var engine = new SafeChatEngine(new MarkerScorer(), options, timeProvider: clock);
        var results = new List<MessageEvaluation>();
        var previousDay = 0d;
        for (var i = 0; i < Sessions.Length; i++)
        {
            clock.Advance(TimeSpan.FromDays(Sessions[i].Day - previousDay) + TimeSpan.FromMinutes(1));
            previousDay = Sessions[i].Day;
            results.Add(await engine.ProcessAsync(At("room", i, Start, Sessions[i])));
        }

        return results;
    }

    [Fact]
    public async Task ProcessAsync_GroomingInSessionsDaysApart_AlertsAfterResuming()
    {
        var results = await RunLiveAsync(new SafeChatEngineOptions());

        Assert.Equal(Enumerable.Range(0, Sessions.Length), results.Select(r => r.MessageIndex));
        var alert = Assert.Single(results, r => r.RaisedAlert);
        Assert.Equal(7, alert.MessageIndex);
        Assert.Equal(0.75f, alert.Assessment.Harms[HarmNames.Grooming]);
        Assert.Equal(Groomer.Id, alert.Assessment.Authors[0].AuthorId);
    }

    [Fact]
    public async Task ProcessAsync_GroomingInSessionsDaysApartWithoutDormancy_NeverAlerts()
    {
        // The behaviour before dormancy: the 2 h idle timeout wipes the window between sessions.
        var results = await RunLiveAsync(new SafeChatEngineOptions { ConversationDormancy = TimeSpan.Zero });

        Assert.DoesNotContain(results, r => r.RaisedAlert);
        Assert.Equal(0, results[3].MessageIndex);
        Assert.Equal(0.25f, results[7].Assessment.Harms[HarmNames.Grooming]);
    }

    [Fact]
    public async Task ProcessAsync_GapLongerThanDormancy_StartsFresh()
    {
        var clock = new FakeTimeProvider(Start);
        var engine = new SafeChatEngine(new MarkerScorer(), new SafeChatEngineOptions { ConversationDormancy = TimeSpan.FromDays(30) }, timeProvider: clock);

        await engine.ProcessAsync(At("room", 0, Start, Sessions[1]));
        clock.Advance(TimeSpan.FromDays(29));
        var resumed = await engine.ProcessAsync(At("room", 1, Start, Sessions[4]));
        clock.Advance(TimeSpan.FromDays(31));
        var fresh = await engine.ProcessAsync(At("room", 2, Start, Sessions[7]));

        Assert.Equal(1, resumed.MessageIndex);
        Assert.Equal(0.5f, resumed.Assessment.Harms[HarmNames.Grooming]);
        Assert.Equal(0, fresh.MessageIndex);
        Assert.Equal(0.25f, fresh.Assessment.Harms[HarmNames.Grooming]);
    }

    [Fact]
    public async Task ProcessAsync_AlertBeforeDormancy_LatchSurvivesTheGap()
    {
        var clock = new FakeTimeProvider(Start);
        var engine = new SafeChatEngine(new MarkerScorer(), timeProvider: clock);
        var room = "latched";
        MessageEnvelope Say(int i, string text) =>
            new(new ChatMessage($"m{i}", room, Groomer.Id, text, Start), new Room(room, RoomKind.Direct), Groomer, [Kid]);

        var first = await engine.ProcessAsync(Say(0, "[age_probe] [secrecy] [meeting]"));
        clock.Advance(TimeSpan.FromDays(5));
        var later = await engine.ProcessAsync(Say(1, "[gifts]"));

        Assert.True(first.RaisedAlert);
        Assert.False(later.RaisedAlert);
        Assert.Equal(0, later.FirstAlertIndex);
        Assert.Equal(1, later.MessageIndex);
    }

    [Fact]
    public async Task ProcessBatchAsync_MessageClock_EachConversationIdlesByItsOwnMessageTimes()
    {
        // The wall clock is years away from the messages, and three conversations from different years go through one
        // parallel batch, interleaved: each conversation's idle expiry and dormancy follow its own times.
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new SafeChatEngineOptions { Clock = EngineClock.MessageTime, MaxDegreeOfParallelism = 4 };
        var engine = new SafeChatEngine(new MarkerScorer(), options, timeProvider: clock);
        var slowBurn = new DateTimeOffset(2008, 5, 1, 20, 0, 0, TimeSpan.Zero);
        var other = new DateTimeOffset(2012, 7, 1, 9, 0, 0, TimeSpan.Zero);
        var envelopes = new List<MessageEnvelope>();
        for (var i = 0; i < Sessions.Length; i++)
        {
            envelopes.Add(At("slow-burn", i, slowBurn, Sessions[i]));
            envelopes.Add(At("other-year", i, other, Sessions[i]));

            // Too slow even for the dormancy: 40 days between sessions.
            var line = Sessions[i];
            envelopes.Add(At("abandoned", i, slowBurn, (line.Day * 15, line.Sender, line.Text)));
        }

        var results = await engine.ProcessBatchAsync(envelopes);

        var slow = results.Where((_, i) => i % 3 == 0).ToList();
        var abandoned = results.Where((_, i) => i % 3 == 2).ToList();
        Assert.Equal(Enumerable.Range(0, Sessions.Length), slow.Select(r => r.MessageIndex));
        Assert.Equal(7, Assert.Single(slow, r => r.RaisedAlert).MessageIndex);
        Assert.Equal(7, Assert.Single(results.Where((_, i) => i % 3 == 1), r => r.RaisedAlert).MessageIndex);
        Assert.DoesNotContain(abandoned, r => r.RaisedAlert);
        Assert.Equal([0, 1, 2, 0, 1, 2, 0, 1, 2], abandoned.Select(r => r.MessageIndex));
    }

    [Fact]
    public async Task ProcessBatchAsync_MessageClock_UserCountersRollOverByMessageTime()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var engine = new SafeChatEngine(new MarkerScorer(), new SafeChatEngineOptions { Clock = EngineClock.MessageTime }, timeProvider: clock);
        var day = new DateTimeOffset(2009, 2, 1, 10, 0, 0, TimeSpan.Zero);
        MessageEnvelope To(string room, string child, DateTimeOffset time) =>
            new(new ChatMessage(room + "-m", room, Groomer.Id, "hi", time), new Room(room, RoomKind.Direct), Groomer, [Child(child)]);

        var results = await engine.ProcessBatchAsync(
        [
            To("a", "child-a", day),
            To("b", "child-b", day.AddHours(2)),
            To("c", "child-c", day.AddHours(25)),
            To("d", "child-d", day.AddHours(50)),
        ]);

        Assert.Equal([1, 2, 2, 1], results.Select(r => r.SenderCounters.DistinctMinorsContacted24h));
        Assert.Equal([1, 2, 2, 1], results.Select(r => r.SenderCounters.DistinctConversations24h));
    }

    [Fact]
    public async Task ProcessAsync_WallClock_IgnoresMessageTimes()
    {
        var clock = new FakeTimeProvider(Start);
        var engine = new SafeChatEngine(new MarkerScorer(), new SafeChatEngineOptions { ConversationDormancy = TimeSpan.Zero }, timeProvider: clock);
        var results = new List<MessageEvaluation>();
        for (var i = 0; i < Sessions.Length; i++)
        {
            results.Add(await engine.ProcessAsync(At("room", i, Start, Sessions[i])));
        }

        // Message times span eight days, but the clock never moves: nothing idles out.
        Assert.Equal(Enumerable.Range(0, Sessions.Length), results.Select(r => r.MessageIndex));
        Assert.Equal(7, Assert.Single(results, r => r.RaisedAlert).MessageIndex);
    }
}
