using SafeChat.Conversations;
using SafeChat.Policies;
using static SafeChat.Core.Tests.Policies.PolicyTestData;

namespace SafeChat.Core.Tests.Policies;

public class SamplePolicyTests
{
    private static string SamplePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SafeChat.sln")))
            {
                return Path.Combine(dir.FullName, "samples", "policies", "example.json");
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void LoadFile_SamplePolicy_Validates()
    {
        var policy = PolicyLoader.LoadFile(SamplePath());

        Assert.Equal("example-game", policy.Id);
        Assert.Equal(8, policy.Rules.Count);
        Assert.True(policy.Rules.Single(r => r.Id == "off-platform-nudge-trial").Shadow);
    }

    [Fact]
    public async Task EvaluateMessage_SamplePolicy_ShadowTrialAndStopRuleBehave()
    {
        var engine = new PolicyEngine(PolicyLoader.LoadFile(SamplePath()));

        var trial = await engine.EvaluateMessageAsync(Message(RoomKind.Group, UnknownAge(), [Teen13()], messageSignals: ["off_platform"]));
        var staff = await engine.EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Teen13()], features: new MessageFeatures { HasContactHandle = true }));

        var decision = Assert.Single(trial);
        Assert.Equal("off-platform-nudge-trial", decision.RuleId);
        Assert.True(decision.Shadow);
        Assert.Equal(["moderators-exempt"], staff.Select(d => d.RuleId));
    }
}
