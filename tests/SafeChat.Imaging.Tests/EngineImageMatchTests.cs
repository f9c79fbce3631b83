using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Escalation;
using SafeChat.Evidence;
using SafeChat.Policies;
using SafeChat.Testing;

namespace SafeChat.Imaging.Tests;

public class EngineImageMatchTests
{
    private static readonly byte[] Listed = ReferenceImages.Read("bridge-mods/aaa-orig.jpg");
    private static readonly Participant Adult = new("adult-1", AgeBand.Adult, AgeAssurance.Verified);
    private static readonly Participant Teen = new("teen-1", AgeBand.Teen, AgeAssurance.Verified);
    private static readonly Room Group = new("room-1", RoomKind.Group);

    private static SafeChatEngine NewEngine(string preset, out HashListMatcher matcher)
    {
        matcher = new HashListMatcher(HashListIndex.Build([new HashListEntry("pdq", ImageHasher.Hash(Listed).Pdq.ToString(), "test-hotline-list", "A1")]));
        return new SafeChatEngine(new MarkerScorer(), new SafeChatEngineOptions { ImageMatcher = matcher }, new PolicyEngine(PolicyPresets.Load(preset)));
    }

    private static MessageEnvelope ImageMessage(string id, byte[] image) =>
        new(new ChatMessage(id, Group.Id, Adult.Id, "look", DateTimeOffset.UnixEpoch) { HasImage = true, Attachments = [ImageAttachment.FromBytes(image)] }, Group, Adult, [Teen]);

    [Theory]
    [InlineData(PolicyPresets.StrictMinors)]
    [InlineData(PolicyPresets.Standard)]
    public async Task ProcessAsync_EditedCopyOfListedImage_BlockFreezeCriticalEscalationInSameCall(string preset)
    {
        var engine = NewEngine(preset, out _);

        var evaluation = await engine.ProcessAsync(ImageMessage("m1", ReferenceImages.Read("bridge-mods/sharpen-a-little.jpg")));

        var actions = evaluation.Decisions.Where(d => d.RuleId == "known-csam-match").Select(d => d.Action).ToList();
        Assert.Contains(PolicyAction.Block, actions);
        Assert.Contains(PolicyAction.Freeze, actions);
        Assert.Contains(PolicyAction.Escalate, actions);
        var escalation = Assert.Single(evaluation.Escalations, e => e.RuleId == "known-csam-match");
        Assert.Equal(Severity.Critical, escalation.Severity);
        Assert.Equal("test-hotline-list", Assert.Single(escalation.ImageMatches).ListName);
        Assert.Contains("known_csam_match", evaluation.Context!.MessageSignals);
        Assert.True(evaluation.Context.Features.KnownCsamMatch);
    }

    [Fact]
    public async Task EvidenceBundle_KnownImage_ApparentChildPornographyWithHashesAndNoImageBytes()
    {
        var engine = NewEngine(PolicyPresets.StrictMinors, out _);
        var image = ReferenceImages.Read("bridge-mods/blur-a-little.jpg");
        var envelope = ImageMessage("m1", image);
        var evaluation = await engine.ProcessAsync(envelope);
        var escalation = Assert.Single(evaluation.Escalations, e => e.RuleId == "known-csam-match");

        var bundle = new EvidenceBuilder().Build(escalation, [envelope.Message], Adult, Teen);
        var json = EvidenceJson.Serialize(bundle);

        Assert.Equal(CyberTipIncidentTypes.ApparentChildPornography, bundle.IncidentType);
        Assert.Equal("Apparent Child Pornography", bundle.IncidentType);
        Assert.True(bundle.EscalateToHighPriority);
        var known = Assert.Single(bundle.KnownImages);
        Assert.Equal("test-hotline-list", known.ListName);
        Assert.Contains(known.FileHashes, h => h.Type == "sha256" && h.Value == ImageHasher.Sha256Hex(image));
        Assert.Contains(ImageHasher.Md5Hex(image), json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(image.AsSpan(0, 48)), json, StringComparison.Ordinal);
        Assert.True(json.Length < 10_000, $"bundle is {json.Length} characters");
        Assert.Equal(bundle.KnownImages.Count, EvidenceJson.Deserialize(json).KnownImages.Count);
    }

    [Fact]
    public async Task ProcessAsync_UnrelatedImage_NoDecisionNoEscalationNothingMatched()
    {
        var engine = NewEngine(PolicyPresets.Standard, out _);

        var evaluation = await engine.ProcessAsync(ImageMessage("m1", ReferenceImages.Read("labelme-subset/q2821.jpg")));

        Assert.DoesNotContain(evaluation.Decisions, d => d.RuleId == "known-csam-match");
        Assert.Empty(evaluation.Escalations);
        Assert.Empty(evaluation.Context!.ImageMatches);
        Assert.False(evaluation.Context.Features.KnownCsamMatch);
    }

    [Fact]
    public async Task ProcessAsync_DeviceHashOnly_MatchedWithoutBytes()
    {
        var engine = NewEngine(PolicyPresets.Standard, out _);
        var onDevice = ImageHasher.Hash(ReferenceImages.Read("bridge-mods/shrink-a-little.jpg")).ToContentHashes();
        var message = new ChatMessage("m1", Group.Id, Adult.Id, string.Empty, DateTimeOffset.UnixEpoch) { Attachments = [ImageAttachment.FromHashes(onDevice)] };

        var evaluation = await engine.ProcessAsync(new MessageEnvelope(message, Group, Adult, [Teen]));

        Assert.Contains(evaluation.Decisions, d => d.RuleId == "known-csam-match" && d.Action == PolicyAction.Block);
    }

    [Fact]
    public async Task ProcessAsync_TextOnlyMessage_MatcherNotCalled()
    {
        var matcher = new CountingMatcher();
        var engine = new SafeChatEngine(new MarkerScorer(), new SafeChatEngineOptions { ImageMatcher = matcher });

        await engine.ProcessAsync(new MessageEnvelope(new ChatMessage("m1", Group.Id, Adult.Id, "hi", DateTimeOffset.UnixEpoch), Group, Adult, [Teen]));
        await engine.ProcessAsync(new MessageEnvelope(new ChatMessage("m2", Group.Id, Adult.Id, "hi", DateTimeOffset.UnixEpoch) { Attachments = [] }, Group, Adult, [Teen]));

        Assert.Equal(0, matcher.Calls);
    }

    private sealed class CountingMatcher : Matching.IImageMatcher
    {
        public int Calls { get; private set; }

        public ValueTask<IReadOnlyList<Matching.ImageMatch>> MatchAsync(IReadOnlyList<ImageAttachment> attachments, CancellationToken cancellationToken = default)
        {
            Calls++;
            return new ValueTask<IReadOnlyList<Matching.ImageMatch>>([]);
        }
    }
}
