using SafeChat.Conversations;
using SafeChat.Policies;
using static SafeChat.Core.Tests.Policies.PolicyTestData;

namespace SafeChat.Core.Tests.Policies;

public class PolicyLoaderTests
{
    private const string Valid = """
        // A small custom policy.
        {
          "id": "custom",
          /* block comments work too */
          "thresholds": { "grooming": { "default": 0.6, "child": 0.5 }, "sextortion": 0.5, },
          "rules": [
            {
              "id": "dm-block",
              "when": { "room": ["direct"], "sender_age": ["adult", "unknown"], "recipient_age": ["minor"], "connected": false },
              "actions": ["block"],
            },
            {
              "id": "grooming",
              "when": { "risk": { "harm": "grooming" }, "recipient_age": ["minor"] },
              "actions": [{ "action": "escalate", "severity": "high" }, { "action": "warn-recipient", "nudge": "Careful." }],
              "cooldown": "1h30m",
            },
          ],
        }
        """;

    [Fact]
    public void Parse_CommentsAndTrailingCommas_LoadsRuleGraph()
    {
        var policy = PolicyLoader.Parse(Valid, "custom.json");

        Assert.Equal("custom", policy.Id);
        Assert.Equal(["dm-block", "grooming"], policy.Rules.Select(r => r.Id));
        Assert.Equal(new HarmThresholds(0.5f, 0.6f, 0.6f, 0.6f), policy.Thresholds["grooming"]);
        Assert.Equal(new HarmThresholds(0.5f, 0.5f, 0.5f, 0.5f), policy.Thresholds["sextortion"]);
        var dm = policy.Rules[0].Conditions;
        Assert.Equal([RoomKind.Direct], dm.Rooms!);
        Assert.Equal([AgeBand.Child, AgeBand.Teen], dm.RecipientAges!);
        Assert.False(dm.Connected);
        Assert.Equal(TimeSpan.FromMinutes(90), policy.Rules[1].Cooldown);
        Assert.Equal(new RuleAction(PolicyAction.Escalate, Severity.High), policy.Rules[1].Actions[0]);
        Assert.Equal(0.1f, policy.Hysteresis);
        Assert.Equal(PolicyCooldowns.Default, policy.Cooldowns);
    }

    [Fact]
    public void Parse_Version_IsIdPlusShortSha256OfSource()
    {
        var policy = PolicyLoader.Parse(Valid, "custom.json");
        var changed = PolicyLoader.Parse(Valid.Replace("Careful.", "Be careful.", StringComparison.Ordinal), "custom.json");

        Assert.Matches("^custom@[0-9a-f]{12}$", policy.Version);
        Assert.NotEqual(policy.Version, changed.Version);
        Assert.Equal(policy.Version, PolicyLoader.Parse(Valid, "other-name.json").Version);
    }

    [Fact]
    public void Parse_UnknownKey_NamesFileLineAndKey()
    {
        var json = Valid.Replace("\"cooldown\": \"1h30m\"", "\"cooldwn\": \"1h30m\"", StringComparison.Ordinal);

        var error = Assert.Single(Errors(json));

        Assert.Equal("custom.json", error.Source);
        Assert.Equal(LineOf(json, "cooldwn"), error.Line);
        Assert.Equal("rules[1].cooldwn", error.Path);
        Assert.Contains("unknown key 'cooldwn'", error.Reason, StringComparison.Ordinal);
        Assert.Contains("did you mean 'cooldown'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownAction_NamesLine()
    {
        var json = Valid.Replace("\"actions\": [\"block\"]", "\"actions\": [\"ban\"]", StringComparison.Ordinal);

        var error = Assert.Single(Errors(json));

        Assert.Equal(LineOf(json, "\"ban\""), error.Line);
        Assert.Equal("rules[0].actions[0]", error.Path);
        Assert.Contains("unknown action 'ban'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateRuleId_NamesLineOfSecondUse()
    {
        var json = Valid.Replace("\"id\": \"grooming\"", "\"id\": \"dm-block\"", StringComparison.Ordinal);

        var error = Assert.Single(Errors(json));

        Assert.Equal(json.Split('\n').Select((l, i) => (l, i)).Last(x => x.l.Contains("\"dm-block\"", StringComparison.Ordinal)).i + 1, error.Line);
        Assert.Equal("rules[1].id", error.Path);
        Assert.Contains("duplicate rule id 'dm-block'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadValueType_NamesLine()
    {
        var json = Valid.Replace("\"connected\": false", "\"connected\": \"no\"", StringComparison.Ordinal);

        var error = Assert.Single(Errors(json));

        Assert.Equal(LineOf(json, "\"connected\": \"no\""), error.Line);
        Assert.Equal("rules[0].when.connected", error.Path);
        Assert.Equal("expected true or false, got a string", error.Reason);
    }

    [Theory]
    [InlineData("\"child\": 0.5", "\"child\": 1.5", "thresholds.grooming.child")]
    [InlineData("\"sextortion\": 0.5", "\"sextortion\": -0.1", "thresholds.sextortion.child")]
    public void Parse_ThresholdOutsideUnitRange_NamesLine(string from, string to, string path)
    {
        var json = Valid.Replace(from, to, StringComparison.Ordinal);

        var errors = Errors(json);

        Assert.All(errors, e => Assert.Equal(LineOf(json, to), e.Line));
        Assert.Contains(errors, e => e.Path == path && e.Reason.Contains("must be in [0, 1]", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_MalformedJson_NamesLine()
    {
        var json = Valid.Replace("\"actions\": [\"block\"],", "\"actions\": [\"block\"] \"oops\": 1,", StringComparison.Ordinal);

        var error = Assert.Single(Errors(json));

        Assert.Equal(LineOf(json, "oops"), error.Line);
        Assert.Equal("(json)", error.Path);
        Assert.StartsWith("malformed JSON", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyText_ReportsLineOne()
    {
        var error = Assert.Single(Errors("  // nothing here\n"));

        Assert.Equal("(json)", error.Path);
        Assert.True(error.Line >= 1);
    }

    [Fact]
    public void Parse_ManyErrors_ReportsEveryOneInLineOrderInTheMessage()
    {
        var json = """
            {
              "id": "bad policy id",
              "hysteresis": 2,
              "colour": "blue",
              "thresholds": { "grooming": { "child": 0.5 } },
              "rules": [
                { "id": "a", "actions": ["escalate"] },
                { "id": "a", "on": "join", "when": { "risk": { "harm": "grooming" } }, "actions": ["block"] },
                { "id": "c", "when": { "sender_age": ["toddler"], "message_signals": ["bribery"], "counters": { "hugs": 3 } }, "actions": [{ "action": "warn-sender" }] },
                { "id": "d", "when": { "risk": { "harm": "spam" }, "counters": { "messages_1h": { "min": 5, "max": 2 } } }, "actions": [{ "action": "hold", "severity": "low" }] },
              ],
            }
            """;

        var ex = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse(json, "bad.json"));
        var errors = ex.Errors;

        void Has(string marker, string path, string reason) => Assert.Contains(errors, e =>
            e.Line == LineOf(json, marker) && e.Path == path && e.Reason.Contains(reason, StringComparison.Ordinal));

        Has("bad policy id", "id", "not a valid id");
        Has("\"hysteresis\": 2", "hysteresis", "must be in [0, 1)");
        Has("colour", "colour", "unknown key 'colour'");
        Has("\"child\": 0.5", "thresholds.grooming", "missing 'teen'");
        Has("\"id\": \"a\", \"actions\"", "rules[0].actions[0]", "'escalate' needs a severity");
        Has("\"on\": \"join\"", "rules[1].id", "duplicate rule id 'a'");
        Has("\"on\": \"join\"", "rules[1].when.risk", "unknown key 'risk'");
        Has("\"on\": \"join\"", "rules[1].actions[0]", "'block' applies to messages");
        Has("toddler", "rules[2].when.sender_age[0]", "unknown age band 'toddler'");
        Has("toddler", "rules[2].when.message_signals[0]", "unknown signal 'bribery'");
        Has("toddler", "rules[2].when.counters.hugs", "unknown counter 'hugs'");
        Has("toddler", "rules[2].actions[0]", "'warn-sender' needs a nudge text");
        Has("spam", "rules[3].when.risk.harm", "unknown harm 'spam'");
        Has("spam", "rules[3].when.counters.messages_1h", "min (5) is greater than max (2)");
        Has("spam", "rules[3].actions[0].severity", "only 'escalate' takes a severity");
        Assert.Equal(errors.OrderBy(e => e.Line).ThenBy(e => e.Column), errors);

        var lines = ex.Message.Split('\n');
        Assert.Equal(errors.Count, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^bad\.json:\d+:\d+: \S+: .+$", l));
    }

    [Theory]
    [InlineData("\"actions\": [\"block\"]", "\"actions\": [\"deny-join\"]", "'deny-join' applies to joins")]
    [InlineData("\"actions\": [\"block\"]", "\"actions\": []", "at least one action")]
    [InlineData("\"room\": [\"direct\"]", "\"room\": []", "must not be empty")]
    [InlineData("\"room\": [\"direct\"]", "\"room\": [\"dm\"]", "unknown room kind 'dm'")]
    [InlineData("\"cooldown\": \"1h30m\"", "\"cooldown\": \"soon\"", "is not a duration")]
    [InlineData("\"harm\": \"grooming\"", "\"harm\": \"grooming\", \"min\": 3", "must be in [0, 1]")]
    [InlineData("\"harm\": \"grooming\"", "\"harm\": \"grooming\", \"of\": \"everyone\"", "unknown risk source")]
    [InlineData("\"id\": \"custom\",", "\"id\": \"custom\", \"id\": \"again\",", "duplicate key 'id'")]
    public void Parse_InvalidValue_ReportsReasonAtItsLine(string from, string to, string reason)
    {
        var json = Valid.Replace(from, to, StringComparison.Ordinal);

        var error = Assert.Single(Errors(json));

        Assert.Equal(LineOf(json, to), error.Line);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RiskWithoutThresholdForHarm_AsksForOne()
    {
        var json = Valid.Replace("\"sextortion\": 0.5, ", string.Empty, StringComparison.Ordinal)
            .Replace("\"harm\": \"grooming\"", "\"harm\": \"sextortion\"", StringComparison.Ordinal);

        var error = Assert.Single(Errors(json));

        Assert.Equal(LineOf(json, "\"harm\": \"sextortion\""), error.Line);
        Assert.Contains("no thresholds.sextortion", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_MissingFile_ThrowsValidationErrorNamingFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "safechat-missing-" + Guid.NewGuid().ToString("N") + ".json");

        var ex = Assert.Throws<PolicyValidationException>(() => PolicyLoader.LoadFile(path));

        Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_ValidFile_UsesPathInErrorsAndLoads()
    {
        var path = Path.Combine(Path.GetTempPath(), "safechat-policy-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, Valid.Replace("\"block\"", "\"blok\"", StringComparison.Ordinal));
        try
        {
            var ex = Assert.Throws<PolicyValidationException>(() => PolicyLoader.LoadFile(path));
            Assert.StartsWith($"{path}:{LineOf(Valid, "\"block\"")}:", ex.Message, StringComparison.Ordinal);
            Assert.Contains("did you mean 'block'", ex.Message, StringComparison.Ordinal);

            File.WriteAllText(path, Valid);
            Assert.Equal("custom", PolicyLoader.LoadFile(path).Id);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("10m", 600)]
    [InlineData("24h", 86400)]
    [InlineData("1h30m", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("45s", 45)]
    public void TryParseDuration_Units_Parse(string text, int seconds)
    {
        Assert.True(PolicyFileReader.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("m")]
    [InlineData("10 m")]
    [InlineData("1w")]
    public void TryParseDuration_Invalid_Fails(string text)
    {
        Assert.False(PolicyFileReader.TryParseDuration(text, out _));
    }

    private static IReadOnlyList<PolicyError> Errors(string json) =>
        Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse(json, "custom.json")).Errors;
}
