using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SafeChat.Conversations;
using SafeChat.Policies;
using SafeChat.Scoring;
using SafeChat.Testing;

namespace SafeChat.Client.Tests;

public class SafeChatClientTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 18, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly MarkerScorer _scorer = new(groomingThreshold: 0.5f, sextortionThreshold: 0.5f);
    private readonly RecordingReporter _reporter = new();

    private static readonly Participant Teen = new("teen-user-7731", AgeBand.Teen, AgeAssurance.SelfDeclared);
    private static readonly Participant Stranger = new("adult-user-4410", AgeBand.Adult, AgeAssurance.Verified);

    private int _messageNumber;

    private SafeChatClient Client(IMessagePolicy? policy = null, SafeChatClientOptions? options = null, ISignalReporter? reporter = null) =>
        new(_scorer, policy ?? new PolicyEngine(PolicyPresets.Load(PolicyPresets.Default), timeProvider: _time), options, reporter ?? _reporter, _time);

    private static ClientConversation TeenDevice(RoomKind kind, bool connected, string roomId = "c-01") =>
        new(new Room(roomId, kind), Teen, [Stranger]) { ConnectedUserIds = connected ? [Stranger.Id] : [] };

    private ChatMessage From(Participant sender, string text, string roomId = "c-01", bool image = false) =>
        new($"msg-{++_messageNumber}", roomId, sender.Id, text, _time.GetUtcNow()) { HasImage = image };

    [Fact]
    public async Task CheckIncoming_NonConnectedAdultDmsThirteenYearOld_BlocksByRule()
    {
        var check = await Client().CheckIncomingAsync(TeenDevice(RoomKind.Direct, connected: false), From(Stranger, "hey, saw you in the lobby"));

        Assert.True(check.IsBlocked);
        Assert.False(check.ShouldDeliver);
        Assert.Contains(check.Decisions, d => d.RuleId == "dm-non-connected-adult-to-minor" && d.Action == PolicyAction.Block);
    }

    [Fact]
    public async Task CheckOutgoing_ThirteenYearOldWritesInPrivateRoomWithAdult_Blocked()
    {
        var check = await Client().CheckOutgoingAsync(TeenDevice(RoomKind.Private, connected: true), From(Teen, "hi"));

        Assert.True(check.IsBlocked);
        Assert.Equal(["private-room-minor-to-adult"], check.Decisions.Select(d => d.RuleId));
    }

    [Fact]
    public async Task CheckJoin_ThirteenYearOldJoinsPrivateRoomWithAdult_DeniedByRule()
    {
        var decisions = await Client().CheckJoinAsync(TeenDevice(RoomKind.Private, connected: false));

        Assert.Equal("private-room-minor-join", Assert.Single(decisions).RuleId);
        Assert.Equal(PolicyAction.DenyJoin, decisions[0].Action);
    }

    [Fact]
    public async Task CheckIncoming_GroomingRisesOverMessages_NudgesAndEscalatesOnce()
    {
        var client = Client();
        var conversation = TeenDevice(RoomKind.Group, connected: true);
        string[] script =
        [
            "nice game today",
            "how old r u [age_probe]",
            "ur so mature [flattery]",
            "i can get u robux [gifts]",
            "are ur parents home [risk_check]",
            "this is our secret ok [secrecy]",
            "dont tell anyone [secrecy]",
            "lol ok",
        ];

        var checks = new List<ClientCheck>();
        foreach (var line in script)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            checks.Add(await client.CheckIncomingAsync(conversation, From(Stranger, line)));
        }

        var escalations = checks.SelectMany(c => c.Escalations).ToArray();
        var escalation = Assert.Single(escalations);
        Assert.Equal("grooming-escalate", escalation.RuleId);
        // strict-minors escalates at the scorer's own alert threshold (0.5 here): 2 grooming signals.
        Assert.Same(escalation, checks[2].Escalations.Single());
        // From the escalation on, strict-minors holds the sender's messages to the teen and says why, calmly, once.
        var nudges = checks.SelectMany(c => c.Nudges).ToArray();
        Assert.Equal(["Some messages sent to you are waiting for a safety check by our team. You haven't done anything wrong. If anything feels off, you can block this person and talk to a trusted adult."], nudges);
        Assert.NotEmpty(checks[2].Nudges);
        Assert.All(checks.Take(2), c => Assert.True(c.ShouldDeliver));
        Assert.All(checks.Skip(2), c => Assert.True(c.IsHeld));
    }

    [Fact]
    public async Task CheckIncoming_GroomerClaimingFourteen_SameDecisionsAsFromAnAdult()
    {
        async Task<string[]> Run(Participant sender)
        {
            var client = Client();
            var conversation = new ClientConversation(new Room($"c-{sender.Id}", RoomKind.Group), Teen, [sender]) { ConnectedUserIds = [sender.Id] };
            var seen = new List<string>();
            var index = 0;
            foreach (var line in new[] { "nice game today", "how old r u [age_probe]", "ur so mature [flattery]", "i can get u robux [gifts]", "this is our secret ok [secrecy]", "lol ok" })
            {
                _time.Advance(TimeSpan.FromMinutes(1));
                var check = await client.CheckIncomingAsync(conversation, From(sender, line, conversation.Room.Id));
                seen.AddRange(check.Decisions.Select(d => $"{index}:{d.RuleId}:{PolicyNames.Of(d.Action)}"));
                index++;
            }

            return [.. seen];
        }

        var fromAdult = await Run(new Participant("groomer-a", AgeBand.Adult, AgeAssurance.SelfDeclared));
        var claimsFourteen = await Run(new Participant("groomer-a", AgeBand.Teen, AgeAssurance.SelfDeclared));

        Assert.Contains(fromAdult, d => d.EndsWith(":grooming-escalate:escalate", StringComparison.Ordinal));
        Assert.Contains(fromAdult, d => d.EndsWith(":held-sender-to-minor:warn-recipient", StringComparison.Ordinal));
        Assert.Equal(fromAdult, claimsFourteen);
    }

    [Fact]
    public async Task CheckIncomingAndOutgoing_GuardianDmWithRelationship_DeliveredBothWays()
    {
        var mum = new Participant("mum-user-1", AgeBand.Adult, AgeAssurance.Verified);
        var conversation = new ClientConversation(new Room("dm-mum", RoomKind.Direct), Teen, [mum])
        {
            Relationships = new Dictionary<string, Relationship> { [mum.Id] = new(RelationshipKind.Guardian, RelationshipBasis.VerifiedByPlatform) },
        };
        var client = Client();

        var incoming = await client.CheckIncomingAsync(conversation, From(mum, "home by 6 please", "dm-mum"));
        var outgoing = await client.CheckOutgoingAsync(conversation, From(Teen, "ok mum", "dm-mum"));
        var withoutRelationship = await client.CheckIncomingAsync(conversation with { Room = new Room("dm-mum-2", RoomKind.Direct), Relationships = new Dictionary<string, Relationship>() }, From(mum, "home by 6 please", "dm-mum-2"));

        Assert.True(incoming.ShouldDeliver);
        Assert.Empty(incoming.Decisions);
        Assert.True(outgoing.ShouldDeliver);
        Assert.True(withoutRelationship.IsBlocked);
    }

    [Fact]
    public async Task CheckIncoming_NonConnectedUserClaimingFourteenDmsTeen_Blocked()
    {
        var claimsFourteen = new Participant("claims-14", AgeBand.Teen, AgeAssurance.SelfDeclared);
        var conversation = new ClientConversation(new Room("dm-14", RoomKind.Direct), Teen, [claimsFourteen]);

        var check = await Client().CheckIncomingAsync(conversation, From(claimsFourteen, "hey, saw you in the lobby", "dm-14"));

        Assert.True(check.IsBlocked);
        Assert.Contains(check.Decisions, d => d.RuleId == "dm-non-connected-adult-to-minor" && d.Action == PolicyAction.Block);
    }

    [Fact]
    public async Task CheckIncoming_VerifiedTeenDmsVerifiedTeen_NotBlocked()
    {
        var peer = new Participant("peer-15", AgeBand.Teen, AgeAssurance.Verified);
        var me = new Participant("me-14", AgeBand.Teen, AgeAssurance.Verified);
        var conversation = new ClientConversation(new Room("dm-peer", RoomKind.Direct), me, [peer]);

        var check = await Client().CheckIncomingAsync(conversation, From(peer, "gg, rematch?", "dm-peer"));

        Assert.True(check.ShouldDeliver);
        Assert.Empty(check.Decisions);
    }

    [Fact]
    public async Task CheckIncoming_Sextortion_NudgesWithTakeItDownAndEscalatesCritical()
    {
        var client = Client();
        var conversation = TeenDevice(RoomKind.Group, connected: true);

        await client.CheckIncomingAsync(conversation, From(Stranger, "i have ur pics [image_claim]"));
        var check = await client.CheckIncomingAsync(conversation, From(Stranger, "pay or ur school sees them [threat_audience] [payment_demand]"));

        Assert.Equal(Severity.Critical, Assert.Single(check.Escalations).Severity);
        Assert.Contains(check.Nudges, n => n.Contains("Take It Down", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckIncoming_ImageFromNonConnectionInGroup_Held()
    {
        var check = await Client().CheckIncomingAsync(TeenDevice(RoomKind.Group, connected: false), From(Stranger, "look", image: true));

        Assert.True(check.IsHeld);
        Assert.False(check.IsBlocked);
    }

    [Fact]
    public async Task CheckOutgoing_AdultMessagesFiveDistinctMinors_EscalatesFanOutOnce()
    {
        var client = Client();
        var escalations = new List<Decision>();
        for (var i = 0; i < 7; i++)
        {
            var minor = new Participant($"kid-{i}", AgeBand.Teen, AgeAssurance.SelfDeclared);
            var conversation = new ClientConversation(new Room($"lobby-{i}", RoomKind.Group), Stranger, [minor]) { ConnectedUserIds = [minor.Id] };
            _time.Advance(TimeSpan.FromMinutes(5));
            var check = await client.CheckOutgoingAsync(conversation, From(Stranger, "gg", roomId: $"lobby-{i}"));
            escalations.AddRange(check.Escalations);
        }

        Assert.Equal("fan-out-adult-to-minors", Assert.Single(escalations).RuleId);
    }

    [Fact]
    public async Task Report_SerializedJson_HasSignalsButNoMessageTextOrRawUserIds()
    {
        var client = Client();
        var conversation = TeenDevice(RoomKind.Group, connected: true);
        const string text = "zebra-canary-phrase keep this our secret [secrecy] [risk_check] [gifts] [flattery]";

        await client.CheckIncomingAsync(conversation, From(Stranger, text));
        await client.CheckOutgoingAsync(conversation, From(Teen, "okay-canary-reply [secrecy]"));

        Assert.Equal(2, _reporter.Reports.Count);
        var json = JsonSerializer.Serialize(_reporter.Reports);
        Assert.DoesNotContain("canary", json, StringComparison.Ordinal);
        Assert.DoesNotContain("secret [", json, StringComparison.Ordinal);
        Assert.DoesNotContain(Stranger.Id, json, StringComparison.Ordinal);
        Assert.DoesNotContain(Teen.Id, json, StringComparison.Ordinal);
        Assert.Contains("\"secrecy\"", json, StringComparison.Ordinal);
        Assert.Contains("grooming-escalate", json, StringComparison.Ordinal);
        var incoming = _reporter.Reports[0];
        Assert.Equal("c-01", incoming.ConversationId);
        Assert.Matches("^[0-9a-f]{32}$", incoming.SenderIdHash);
        Assert.Equal(1f, incoming.Harms[HarmNames.Grooming]);
        Assert.Equal(_scorer.Descriptor.ModelVersion, incoming.ModelVersion);
        Assert.StartsWith("strict-minors@", incoming.PolicyVersion, StringComparison.Ordinal);
        Assert.NotEqual(incoming.SenderIdHash, _reporter.Reports[1].SenderIdHash);
    }

    [Fact]
    public async Task Report_SenderHash_StableForOneSaltAndDifferentAcrossSalts()
    {
        var salt = SafeChatClient.CreateInstallSalt();
        var other = new RecordingReporter();
        var conversation = TeenDevice(RoomKind.Group, connected: true);

        await Client(options: new SafeChatClientOptions { InstallSalt = salt }).CheckIncomingAsync(conversation, From(Stranger, "[secrecy]"));
        await Client(options: new SafeChatClientOptions { InstallSalt = salt }).CheckIncomingAsync(conversation, From(Stranger, "[secrecy]"));
        await Client(reporter: other).CheckIncomingAsync(conversation, From(Stranger, "[secrecy]"));

        Assert.Equal(_reporter.Reports[0].SenderIdHash, _reporter.Reports[1].SenderIdHash);
        Assert.NotEqual(_reporter.Reports[0].SenderIdHash, other.Reports[0].SenderIdHash);
    }

    [Fact]
    public async Task Report_SenderIdOmitted_HasNoSenderField()
    {
        await Client(options: new SafeChatClientOptions { SenderIdReporting = SenderIdReporting.Omitted })
            .CheckIncomingAsync(TeenDevice(RoomKind.Group, connected: true), From(Stranger, "[secrecy]"));

        Assert.Null(Assert.Single(_reporter.Reports).SenderIdHash);
    }

    [Fact]
    public async Task Report_BenignMessage_NothingLeavesTheDevice()
    {
        await Client().CheckIncomingAsync(TeenDevice(RoomKind.Group, connected: true), From(Stranger, "gg wp"));

        Assert.Empty(_reporter.Reports);
    }

    [Fact]
    public async Task Report_ReporterThrows_CheckStillSucceedsAndFailureIsCounted()
    {
        var client = Client(reporter: new ThrowingReporter());

        var check = await client.CheckIncomingAsync(TeenDevice(RoomKind.Direct, connected: false), From(Stranger, "hi"));

        Assert.True(check.IsBlocked);
        Assert.Equal(1, client.ReporterFailures);
    }

    [Fact]
    public async Task CheckIncoming_ShadowPolicy_RecordsButNeverEnforcesOrNudges()
    {
        var shadow = new PolicyBuilder("shadow-trial")
            .Shadow()
            .MessageRule("block-all-direct", r => r.Rooms(RoomKind.Direct).Block().WarnRecipient("Careful."))
            .Build();

        var check = await Client(new PolicyEngine(shadow, timeProvider: _time)).CheckIncomingAsync(TeenDevice(RoomKind.Direct, connected: false), From(Stranger, "hi"));

        Assert.Equal(2, check.Decisions.Count);
        Assert.All(check.Decisions, d => Assert.True(d.Shadow));
        Assert.True(check.ShouldDeliver);
        Assert.Empty(check.Nudges);
        Assert.All(Assert.Single(_reporter.Reports).Decisions, d => Assert.True(d.Shadow));
    }

    [Fact]
    public async Task CheckIncoming_LongConversation_WindowStaysBounded()
    {
        var client = Client(options: new SafeChatClientOptions { Engine = new() { WindowSize = 8, MaxSalientMessages = 0 } });
        var conversation = TeenDevice(RoomKind.Group, connected: true);

        for (var i = 0; i < 50; i++)
        {
            await client.CheckIncomingAsync(conversation, From(Stranger, "hello"));
        }

        Assert.Equal(8, _scorer.LastWindowSize);
    }

    [Fact]
    public async Task CheckIncoming_ManyConversations_KeepsOnlyTheMostRecentWindows()
    {
        var client = Client(options: new SafeChatClientOptions { Engine = new() { MaxConversations = 4, MaxDormantConversations = 4 } });

        for (var i = 0; i < 20; i++)
        {
            await client.CheckIncomingAsync(TeenDevice(RoomKind.Group, connected: true, roomId: $"c-{i}"), From(Stranger, "hello", roomId: $"c-{i}"));
        }

        // The most recent conversation kept its window; the first one went dormant, was pushed out of the dormant cap by
        // later ones, and starts again.
        await client.CheckIncomingAsync(TeenDevice(RoomKind.Group, connected: true, roomId: "c-19"), From(Stranger, "hello again", roomId: "c-19"));
        Assert.Equal(2, _scorer.LastWindowSize);
        await client.CheckIncomingAsync(TeenDevice(RoomKind.Group, connected: true, roomId: "c-0"), From(Stranger, "hello again", roomId: "c-0"));
        Assert.Equal(1, _scorer.LastWindowSize);

        await client.ForgetConversationAsync("c-19");
        await client.CheckIncomingAsync(TeenDevice(RoomKind.Group, connected: true, roomId: "c-19"), From(Stranger, "hello", roomId: "c-19"));
        Assert.Equal(1, _scorer.LastWindowSize);
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        Assert.ThrowsAny<ArgumentException>(() => Client(options: new SafeChatClientOptions { Engine = new() { WindowSize = 0 } }));
        Assert.Throws<ArgumentException>(() => Client(options: new SafeChatClientOptions { InstallSalt = new byte[4] }));
    }

    private sealed class RecordingReporter : ISignalReporter
    {
        public List<SignalReport> Reports { get; } = [];

        public ValueTask ReportAsync(SignalReport report, CancellationToken cancellationToken = default)
        {
            lock (Reports)
            {
                Reports.Add(report);
            }

            return default;
        }
    }

    private sealed class ThrowingReporter : ISignalReporter
    {
        public ValueTask ReportAsync(SignalReport report, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("network down");
    }
}
