using SafeChat.Conversations;
using SafeChat.Scoring;

namespace SafeChat.Inference.Tests.Detection;

/// <summary>The detector's age gate and author-age feature: a typed-in minor age never lowers an author's grooming risk.</summary>
public sealed class AgeClaimDetectionTests(ScorerFixture fixture) : IClassFixture<ScorerFixture>
{
    private static readonly (bool Groomer, string Text)[] Chat =
    [
        (true, "hey saw ur build in the lobby, nice work"), (false, "thx lol"), (true, "how old r u btw"), (false, "14"),
        (true, "u seem way more mature than that, not like other kids"), (false, "haha thanks"),
        (true, "are ur parents home right now? r u alone"), (true, "this is just between us ok, dont tell ur mom"),
        (false, "ok"), (true, "add me on snap its easier there"), (true, "send me a pic of u, just for me"),
    ];

    private float GroomerRisk(AgeBand groomerBand, AgeAssurance groomerAssurance, AgeAssurance otherAssurance)
    {
        var signals = fixture.Scorer.AnalyzeBatch(Chat.Select(m => m.Text).ToList());
        var window = Chat
            .Select((m, i) => m.Groomer
                ? new WindowMessage(i, "groomer", groomerBand, signals[i], groomerAssurance)
                : new WindowMessage(i, "kid", AgeBand.Teen, signals[i], otherAssurance))
            .ToList();
        var assessment = fixture.Scorer.Assess(window);
        return assessment.Authors.Single(a => a.AuthorId == "groomer").Harms[HarmNames.Grooming];
    }

    [Theory]
    [InlineData(AgeAssurance.SelfDeclared)]
    [InlineData(AgeAssurance.Unknown)]
    public void Assess_GroomerWithUnassuredTeenClaimAmongTeens_SameRiskAsUnknownAge(AgeAssurance claim)
    {
        var unknown = GroomerRisk(AgeBand.Unknown, AgeAssurance.Unknown, AgeAssurance.SelfDeclared);
        var claimsTeen = GroomerRisk(AgeBand.Teen, claim, AgeAssurance.SelfDeclared);

        Assert.True(unknown >= fixture.Threshold(HarmNames.Grooming), $"unknown-age groomer risk {unknown}");
        Assert.Equal(unknown, claimsTeen);
    }

    [Fact]
    public void Assess_VerifiedTeenAmongVerifiedTeens_StillGatedAsPeers()
    {
        var unknown = GroomerRisk(AgeBand.Unknown, AgeAssurance.Unknown, AgeAssurance.Verified);
        var verifiedPeer = GroomerRisk(AgeBand.Teen, AgeAssurance.Verified, AgeAssurance.Verified);

        Assert.True(verifiedPeer < unknown, $"verified peer {verifiedPeer} vs unknown {unknown}");
    }
}
