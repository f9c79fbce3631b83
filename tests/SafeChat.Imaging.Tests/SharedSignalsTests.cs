using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Policies;
using SafeChat.Sharing;
using SafeChat.Testing;

namespace SafeChat.Imaging.Tests;

public class SharedSignalsTests
{
    private static readonly byte[] Secret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly string ContentSha = new('e', 64);

    private static readonly ConfirmedCase Case = new("esc_123", true,
    [
        new RawIndicator(IndicatorTypes.Username, "Sk8rBoi_2009"),
        new RawIndicator(IndicatorTypes.Email, "Predator.Example+chat@gmail.com"),
        new RawIndicator(IndicatorTypes.Phone, "+1 (555) 867-5309"),
        new RawIndicator(IndicatorTypes.PaymentHandle, "$QuickCash77"),
        new RawIndicator(IndicatorTypes.ExternalHandle, "snap:@sk8r.boi"),
        new RawIndicator(IndicatorTypes.ContentHash, "sha256:" + ContentSha),
    ]);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));

    private sealed record Platform(string Name, ECDsa Key, IndicatorHasher Hasher, IndicatorStore Store);

    private Platform NewPlatform(string name)
    {
        var hasher = new IndicatorHasher(Secret, "partners-2026");
        return new Platform(name, IndicatorFiles.CreateSigningKey(), hasher, new IndicatorStore(hasher, _time));
    }

    private string ExportFrom(Platform producer, IndicatorFile file) => IndicatorFiles.Write(file, producer.Key);

    private static IReadOnlyDictionary<string, ECDsa> Trust(Platform producer) =>
        new Dictionary<string, ECDsa> { [producer.Name] = IndicatorFiles.ImportPublicKey(IndicatorFiles.ExportPublicKey(producer.Key)) };

    [Fact]
    public void RoundTrip_TwoPlatforms_LeadsMatchAndRawIdentifiersNeverLeave()
    {
        var a = NewPlatform("platform-a");
        var b = NewPlatform("platform-b");
        var text = ExportFrom(a, new SignalExporter(a.Hasher, a.Name, _time).Export([Case], "sextortion", TimeSpan.FromDays(90)));

        foreach (var raw in new[] { "sk8r", "Sk8rBoi", "predator", "example", "gmail", "5558675309", "(555)", "quickcash", "QuickCash77", "esc_123", ContentSha.Substring(0, 16) })
        {
            Assert.DoesNotContain(raw, text, StringComparison.OrdinalIgnoreCase);
        }

        var file = IndicatorFiles.Read(text, "a.indicators", Trust(a));
        Assert.Equal(6, b.Store.Import(file));
        Assert.Equal(("platform-a", "sextortion"), (file.Producer, file.Reason));
        Assert.Equal(_time.GetUtcNow().AddDays(90), file.ExpiresAt);

        // Platform B sees the same people under their own spelling.
        Assert.Equal("platform-a", Assert.Single(b.Store.Match(IndicatorTypes.Username, "@sk8rboi_2009")).Producer);
        Assert.Single(b.Store.Match(IndicatorTypes.Email, "predatorexample@googlemail.com"));
        Assert.Single(b.Store.Match(IndicatorTypes.Phone, "1-555-867-5309"));
        Assert.Single(b.Store.Match(IndicatorTypes.PaymentHandle, "quickcash77"));
        Assert.Empty(b.Store.Match(IndicatorTypes.Username, "someone_else"));
    }

    [Fact]
    public void Retraction_AfterAppeal_RemovesTheLead()
    {
        var a = NewPlatform("platform-a");
        var b = NewPlatform("platform-b");
        var exporter = new SignalExporter(a.Hasher, a.Name, _time);
        b.Store.Import(IndicatorFiles.Read(ExportFrom(a, exporter.Export([Case], "sextortion", TimeSpan.FromDays(90))), "a1", Trust(a)));
        Assert.NotEmpty(b.Store.Match(IndicatorTypes.Username, "sk8rboi_2009"));

        var retraction = IndicatorFiles.Read(ExportFrom(a, exporter.Retract(Case, "appeal upheld", TimeSpan.FromDays(365))), "a2", Trust(a));

        Assert.Equal(IndicatorFileKind.Retraction, retraction.Kind);
        Assert.Equal(6, b.Store.Import(retraction));
        Assert.Empty(b.Store.Match(IndicatorTypes.Username, "sk8rboi_2009"));
        Assert.Equal(0, b.Store.Count);
    }

    [Fact]
    public void Read_TamperedFile_RefusedWithClearError()
    {
        var a = NewPlatform("platform-a");
        var text = ExportFrom(a, new SignalExporter(a.Hasher, a.Name, _time).Export([Case], "sextortion", TimeSpan.FromDays(90)));
        var tampered = text.Replace("\"reason\":\"sextortion\"", "\"reason\":\"grooming\"", StringComparison.Ordinal);
        Assert.NotEqual(text, tampered);

        var error = Assert.Throws<IndicatorFileException>(() => IndicatorFiles.Read(tampered, "a.indicators", Trust(a)));

        Assert.StartsWith("a.indicators: the signature does not match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownProducerOrUnsigned_Refused()
    {
        var a = NewPlatform("platform-a");
        var text = ExportFrom(a, new SignalExporter(a.Hasher, a.Name, _time).Export([Case], "sextortion", TimeSpan.FromDays(90)));

        Assert.Contains("not a trusted partner", Assert.Throws<IndicatorFileException>(() => IndicatorFiles.Read(text, "f", new Dictionary<string, ECDsa>())).Message, StringComparison.Ordinal);
        Assert.Contains("expected 2 lines", Assert.Throws<IndicatorFileException>(() => IndicatorFiles.Read(text.Split('\n')[0], "f", Trust(a))).Message, StringComparison.Ordinal);
        Assert.Contains("signature does not match", Assert.Throws<IndicatorFileException>(() => IndicatorFiles.Read(text, "f", Trust(NewPlatform("platform-a")))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_UnconfirmedCase_Refused()
    {
        var a = NewPlatform("platform-a");

        var error = Assert.Throws<ArgumentException>(() => new SignalExporter(a.Hasher, a.Name, _time).Export([Case, Case with { ReviewerConfirmed = false }], "sextortion", TimeSpan.FromDays(1)));

        Assert.Contains("cases[1] is not reviewer-confirmed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_ExpiredOrOtherSecret_Refused()
    {
        var a = NewPlatform("platform-a");
        var file = new SignalExporter(a.Hasher, a.Name, _time).Export([Case], "sextortion", TimeSpan.FromDays(1));
        var other = new IndicatorStore(new IndicatorHasher(Secret, "another-key"), _time);

        Assert.Contains("secret", Assert.Throws<IndicatorFileException>(() => other.Import(file)).Message, StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromDays(2));
        Assert.Contains("expired", Assert.Throws<IndicatorFileException>(() => a.Store.Import(file)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_AfterExpiry_NoLead()
    {
        var a = NewPlatform("platform-a");
        a.Store.Import(new SignalExporter(a.Hasher, a.Name, _time).Export([Case], "sextortion", TimeSpan.FromDays(1)));

        _time.Advance(TimeSpan.FromDays(2));

        Assert.Empty(a.Store.Match(IndicatorTypes.Username, "sk8rboi_2009"));
    }

    [Fact]
    public async Task Engine_MessageWithPartnerHandle_LeadEscalatesForReviewWithoutBlocking()
    {
        var a = NewPlatform("platform-a");
        var b = NewPlatform("platform-b");
        b.Store.Import(new SignalExporter(a.Hasher, a.Name, _time).Export([Case], "sextortion", TimeSpan.FromDays(90)));
        var engine = new SafeChatEngine(new MarkerScorer(), new SafeChatEngineOptions { SharedSignalMatcher = new SharedSignalMatcher(b.Store) }, new PolicyEngine(PolicyPresets.Load(PolicyPresets.Standard)));
        var room = new Room("r1", RoomKind.Group);
        var sender = new Participant("new_account_1", AgeBand.Adult, AgeAssurance.Verified);

        var lead = await engine.ProcessAsync(new MessageEnvelope(new ChatMessage("m1", room.Id, sender.Id, "send it to $quickcash77 now", _time.GetUtcNow()), room, sender, [new Participant("kid", AgeBand.Teen, AgeAssurance.Verified)]));
        var none = await engine.ProcessAsync(new MessageEnvelope(new ChatMessage("m2", "r2", sender.Id, "gg", _time.GetUtcNow()), room with { Id = "r2" }, sender, []));

        Assert.Equal(PolicyAction.Escalate, Assert.Single(lead.Decisions, d => d.RuleId == "shared-signal-lead").Action);
        Assert.DoesNotContain(lead.Decisions, d => d.Action is PolicyAction.Block or PolicyAction.Freeze);
        Assert.Equal(Severity.Medium, Assert.Single(lead.Escalations).Severity);
        Assert.Equal(new Matching.SharedSignalLead(IndicatorTypes.PaymentHandle, "platform-a", "sextortion"), Assert.Single(lead.Context!.SharedSignalLeads));
        Assert.Empty(none.Decisions);
    }

    [Fact]
    public void Candidates_MessageText_FindsEachKindOfIdentifier()
    {
        var message = new ChatMessage("m", "r", "u", "mail me at a.b@x.com or call +44 20 7946 0958, snap:cool_kid, @handle, $cash", DateTimeOffset.UnixEpoch);

        var found = SharedSignalMatcher.Candidates(message).Select(c => c.Type).ToHashSet();

        Assert.Superset(new HashSet<string> { IndicatorTypes.Email, IndicatorTypes.Phone, IndicatorTypes.ExternalHandle, IndicatorTypes.Username, IndicatorTypes.PaymentHandle }, found);
    }
}
