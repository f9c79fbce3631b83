using System.Security.Cryptography;
using System.Text;
using SafeChat.Conversations;
using SafeChat.Policies.Json;

namespace SafeChat.Policies;

/// <summary>
/// Loads policy files (JSON; comments and trailing commas allowed). Loading validates everything and reports every
/// error with its file, line, column, path and reason in one <see cref="PolicyValidationException"/>.
/// </summary>
public static class PolicyLoader
{
    /// <summary>Reads and validates a policy file.</summary>
    /// <exception cref="PolicyValidationException">The file cannot be read or does not validate.</exception>
    public static PolicyDefinition LoadFile(string path)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new PolicyValidationException([new PolicyError(path, 0, 0, "(file)", "cannot read the policy file: " + PolicyText.Escape(ex.Message, 200))]);
        }

        return ParseUtf8(bytes, path);
    }

    /// <summary>
    /// Parses policy bytes as read from a file. Policy files are UTF-8: invalid bytes are an error naming their line and
    /// column, never U+FFFD (which could end up in a nudge shown to a child). A UTF-8 byte order mark is skipped.
    /// </summary>
    internal static PolicyDefinition ParseUtf8(byte[] bytes, string sourceName)
    {
        var invalid = PolicyText.FirstInvalidUtf8(bytes);
        if (invalid >= 0)
        {
            var (line, column) = PolicyText.Position(bytes, invalid);
            throw new PolicyValidationException([new PolicyError(
                PolicyText.Escape(sourceName), line, column, "(file)", $"invalid UTF-8 (byte 0x{bytes[invalid]:X2} at offset {invalid}); policy files must be UTF-8")]);
        }

        var text = Encoding.UTF8.GetString(bytes);
        return Parse(text.Length > 0 && text[0] == '\uFEFF' ? text.Substring(1) : text, sourceName);
    }

    /// <summary>Parses and validates policy JSON.</summary>
    /// <param name="json">The policy text.</param>
    /// <param name="sourceName">The name used in error messages (usually the file path).</param>
    /// <exception cref="PolicyValidationException">The text does not validate.</exception>
    public static PolicyDefinition Parse(string json, string sourceName)
    {
        if (json is null)
        {
            throw new ArgumentNullException(nameof(json));
        }

        return new PolicyFileReader(json, sourceName ?? "policy").Read();
    }

    /// <summary>The version string for a policy id and its source text: the id plus the first 12 hex digits of its sha256.</summary>
    internal static string VersionOf(string id, string sourceText)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(sourceText));
        var hex = new StringBuilder(12);
        for (var i = 0; i < 6; i++)
        {
            hex.Append(hash[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return $"{id}@{hex}";
    }
}

/// <summary>Walks the parsed JSON, type-checks every key and records where each path starts.</summary>
internal sealed class PolicyFileReader
{
    private static readonly string[] PolicyKeys =
        ["$schema", "id", "description", "shadow", "hysteresis", "cooldowns", "thresholds", "trust_adult_age_from", "rules"];

    private static readonly string[] CooldownKeys = ["escalate", "freeze", "warn"];
    private static readonly string[] ThresholdKeys = ["child", "teen", "adult", "unknown", "default"];

    private static readonly string[] RuleKeys =
        ["id", "description", "regulation", "on", "when", "actions", "shadow", "enabled", "stop", "cooldown", "hysteresis", "once_per"];

    private static readonly string[] MessageConditionKeys =
    [
        "room", "sender_age", "sender_assurance", "recipient_age", "recipient_assurance", "connected", "risk",
        "message_signals", "conversation_signals", "counters", "features", "relationship", "sender_held",
    ];

    private static readonly string[] JoinConditionKeys =
        ["room", "joiner_age", "joiner_assurance", "member_age", "member_assurance", "connected", "relationship"];

    private static readonly string[] RelationshipKeys = ["kind", "established", "not"];

    private static readonly string[] ActionKeys = ["action", "severity", "nudge"];
    private static readonly string[] RiskKeys = ["harm", "of", "min"];
    private static readonly string[] CounterKeys = ["min", "max"];

    private readonly string _text;
    private readonly string _source;
    private readonly List<PolicyError> _errors = [];
    private readonly HashSet<string> _errorPaths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _offsets = new(StringComparer.Ordinal);
    private PolicyJsonDocument _document = null!;

    public PolicyFileReader(string text, string source)
    {
        _text = text;
        _source = source;
    }

    public PolicyDefinition Read()
    {
        try
        {
            _document = PolicyJsonDocument.Parse(_text);
        }
        catch (JsonSyntaxError ex)
        {
            throw new PolicyValidationException([new PolicyError(PolicyText.Escape(_source), ex.Line, ex.Column, "(json)", PolicyText.Escape(ex.Message))]);
        }

        var root = _document.Root;
        _offsets["(root)"] = root.Offset;
        string id = string.Empty;
        string? description = null;
        var shadow = false;
        var hysteresis = 0.1f;
        var cooldowns = PolicyCooldowns.Default;
        var thresholds = new Dictionary<string, HarmThresholds>(StringComparer.Ordinal);
        var trust = AgeAssurance.Unknown;
        var rules = new List<PolicyRule>();

        ForEachProperty(root, string.Empty, PolicyKeys, (name, value, path) =>
        {
            switch (name)
            {
                case "$schema":
                    ReadString(value, path);
                    break;
                case "id":
                    id = ReadString(value, path) ?? string.Empty;
                    break;
                case "description":
                    description = ReadString(value, path);
                    break;
                case "shadow":
                    shadow = ReadBool(value, path) ?? false;
                    break;
                case "hysteresis":
                    hysteresis = ReadFloat(value, path) ?? hysteresis;
                    break;
                case "cooldowns":
                    cooldowns = ReadCooldowns(value, path);
                    break;
                case "thresholds":
                    ReadThresholds(value, path, thresholds);
                    break;
                case "trust_adult_age_from":
                    trust = ReadEnum<AgeAssurance>(value, path, PolicyNames.TryParseAssurance, PolicyNames.Assurances, "age assurance") ?? trust;
                    break;
                case "rules":
                    ReadRules(value, path, rules);
                    break;
            }
        });

        if (root.Kind == JsonKind.Object && !HasProperty(root, "id"))
        {
            AddError("id", root.Offset, "a policy id is required");
        }

        var policy = new PolicyDefinition(
            id, description, shadow, hysteresis, cooldowns, thresholds, trust, rules.ToArray(), PolicyLoader.VersionOf(id, _text));

        var semanticErrors = new List<(string Path, string Reason)>();
        PolicyValidator.Validate(policy, semanticErrors);
        foreach (var (path, reason) in semanticErrors)
        {
            if (!AlreadyReported(path))
            {
                AddError(path, OffsetOf(path), reason);
            }
        }

        if (_errors.Count > 0)
        {
            throw new PolicyValidationException(_errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToArray());
        }

        return policy;
    }

    private PolicyCooldowns ReadCooldowns(JsonValue value, string path)
    {
        var result = PolicyCooldowns.Default;
        ForEachProperty(value, path, CooldownKeys, (name, item, itemPath) =>
        {
            if (ReadDuration(item, itemPath) is not { } duration)
            {
                return;
            }

            result = name switch
            {
                "escalate" => result with { Escalate = duration },
                "freeze" => result with { Freeze = duration },
                _ => result with { Warn = duration },
            };
        });
        return result;
    }

    private void ReadThresholds(JsonValue value, string path, Dictionary<string, HarmThresholds> thresholds)
    {
        ForEachProperty(value, path, null, (harm, item, harmPath) =>
        {
            if (item.Kind is JsonKind.Number or JsonKind.String)
            {
                if (ReadThresholdValue(item, harmPath) is { } one)
                {
                    thresholds[harm] = Thresholds(one, one, one, one);
                }

                return;
            }

            if (item.Kind != JsonKind.Object)
            {
                AddError(harmPath, item.Offset, $"expected a number, \"model\" or an object with child, teen, adult, unknown (or default), got {item.KindName}");
                return;
            }

            var bands = new Dictionary<string, (float Fixed, float? Offset)>(StringComparer.Ordinal);
            ForEachProperty(item, harmPath, ThresholdKeys, (band, bandValue, bandPath) =>
            {
                if (ReadThresholdValue(bandValue, bandPath) is { } number)
                {
                    bands[band] = number;
                }
            });

            var fallback = bands.TryGetValue("default", out var d) ? d : ((float Fixed, float? Offset)?)null;
            (float Fixed, float? Offset) Band(string band)
            {
                if (bands.TryGetValue(band, out var v))
                {
                    return v;
                }

                if (fallback is { } f)
                {
                    return f;
                }

                if (!HasProperty(item, band))
                {
                    AddError(harmPath, item.Offset, $"missing '{band}' (or set 'default')");
                }

                return (0f, null);
            }

            // The validator reports the band paths; point them at the band's own line when present, else the harm.
            foreach (var band in ThresholdKeys)
            {
                if (!_offsets.ContainsKey(harmPath + "." + band))
                {
                    _offsets[harmPath + "." + band] = _offsets.TryGetValue(harmPath + ".default", out var o) ? o : item.Offset;
                }
            }

            thresholds[harm] = Thresholds(Band("child"), Band("teen"), Band("adult"), Band("unknown"));
        });
    }

    private static HarmThresholds Thresholds((float Fixed, float? Offset) child, (float Fixed, float? Offset) teen, (float Fixed, float? Offset) adult, (float Fixed, float? Offset) unknown)
    {
        var result = new HarmThresholds(child.Fixed, teen.Fixed, adult.Fixed, unknown.Fixed);
        return child.Offset is null && teen.Offset is null && adult.Offset is null && unknown.Offset is null
            ? result
            : result with { ModelOffsets = new ModelThresholdOffsets(child.Offset, teen.Offset, adult.Offset, unknown.Offset) };
    }

    // A threshold is a number, or "model" / "model+0.01" / "model-0.02": the model's calibrated alert threshold plus an
    // offset. The fixed part of a model band is what it resolves to without a model.
    private (float Fixed, float? Offset)? ReadThresholdValue(JsonValue value, string path)
    {
        if (value.Kind == JsonKind.String)
        {
            var text = value.String!;
            var offset = 0f;
            var ok = text.StartsWith("model", StringComparison.Ordinal);
            if (ok && text.Length > 5)
            {
                var rest = text.Substring(5);
                ok = rest[0] is '+' or '-'
                    && float.TryParse(rest.Substring(1), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out offset);
                offset = rest[0] == '-' ? -offset : offset;
            }

            if (!ok)
            {
                AddError(path, value.Offset, $"expected a number in [0, 1], \"model\" or \"model+OFFSET\" / \"model-OFFSET\" (for example \"model-0.02\"), got '{PolicyText.Echo(text)}'");
                return null;
            }

            var resolved = HarmThresholds.FromModel(child: offset).Child;
            return (resolved, offset);
        }

        return ReadFloat(value, path) is { } number ? (number, null) : null;
    }

    private void ReadRules(JsonValue value, string path, List<PolicyRule> rules)
    {
        if (value.Kind != JsonKind.Array)
        {
            AddError(path, value.Offset, $"expected an array of rules, got {value.KindName}");
            return;
        }

        for (var i = 0; i < value.Items!.Count; i++)
        {
            var item = value.Items[i];
            var rulePath = $"{path}[{i}]";
            _offsets[rulePath] = item.Offset;
            if (ReadRule(item, rulePath) is { } rule)
            {
                rules.Add(rule);
            }
        }
    }

    private PolicyRule? ReadRule(JsonValue value, string path)
    {
        if (value.Kind != JsonKind.Object)
        {
            AddError(path, value.Offset, $"expected a rule object, got {value.KindName}");
            return null;
        }

        var trigger = RuleTrigger.Message;
        if (Find(value, "on") is { } on)
        {
            var name = ReadString(on.Value, path + ".on");
            if (name == "join")
            {
                trigger = RuleTrigger.Join;
            }
            else if (name is not null && name != "message")
            {
                AddError(path + ".on", on.Value.Offset, $"unknown trigger '{PolicyText.Echo(name)}' (expected message or join)");
            }
        }

        var rule = new PolicyRule { Id = string.Empty, Trigger = trigger };
        var hasId = false;
        var hasActions = false;
        ForEachProperty(value, path, RuleKeys, (name, item, itemPath) =>
        {
            switch (name)
            {
                case "id":
                    hasId = true;
                    rule = rule with { Id = ReadString(item, itemPath) ?? string.Empty };
                    break;
                case "description":
                    rule = rule with { Description = ReadString(item, itemPath) };
                    break;
                case "regulation":
                    rule = rule with { Regulation = ReadString(item, itemPath) };
                    break;
                case "when":
                    rule = rule with { Conditions = ReadConditions(item, itemPath, trigger) };
                    break;
                case "actions":
                    hasActions = true;
                    rule = rule with { Actions = ReadActions(item, itemPath) };
                    break;
                case "shadow":
                    rule = rule with { Shadow = ReadBool(item, itemPath) ?? false };
                    break;
                case "enabled":
                    rule = rule with { Enabled = ReadBool(item, itemPath) ?? true };
                    break;
                case "stop":
                    rule = rule with { Stop = ReadBool(item, itemPath) ?? false };
                    break;
                case "cooldown":
                    rule = rule with { Cooldown = ReadDuration(item, itemPath) };
                    break;
                case "hysteresis":
                    rule = rule with { Hysteresis = ReadFloat(item, itemPath) };
                    break;
                case "once_per":
                    var scope = ReadString(item, itemPath);
                    if (scope == "subject")
                    {
                        rule = rule with { OncePer = StateScope.Subject };
                    }
                    else if (scope is not null && scope != "conversation")
                    {
                        AddError(itemPath, item.Offset, $"unknown scope '{PolicyText.Echo(scope)}' (expected conversation or subject)");
                    }

                    break;
            }
        });

        if (!hasId)
        {
            AddError(path + ".id", value.Offset, "a rule id is required");
        }

        if (!hasActions)
        {
            AddError(path + ".actions", value.Offset, "a rule needs at least one action");
        }

        return rule;
    }

    private RuleConditions ReadConditions(JsonValue value, string path, RuleTrigger trigger)
    {
        var join = trigger == RuleTrigger.Join;
        var conditions = new RuleConditions();
        var keys = join ? JoinConditionKeys : MessageConditionKeys;
        ForEachProperty(value, path, keys, (name, item, itemPath) =>
        {
            switch (name)
            {
                case "room":
                    conditions = conditions with { Rooms = ReadEnumList<RoomKind>(item, itemPath, PolicyNames.TryParseRoom, PolicyNames.Rooms, "room kind") };
                    break;
                case "sender_age" or "joiner_age":
                    conditions = conditions with { SenderAges = ReadAges(item, itemPath) };
                    break;
                case "sender_assurance" or "joiner_assurance":
                    conditions = conditions with { SenderAssurance = ReadEnumList<AgeAssurance>(item, itemPath, PolicyNames.TryParseAssurance, PolicyNames.Assurances, "age assurance") };
                    break;
                case "recipient_age" or "member_age":
                    conditions = conditions with { RecipientAges = ReadAges(item, itemPath) };
                    break;
                case "recipient_assurance" or "member_assurance":
                    conditions = conditions with { RecipientAssurance = ReadEnumList<AgeAssurance>(item, itemPath, PolicyNames.TryParseAssurance, PolicyNames.Assurances, "age assurance") };
                    break;
                case "connected":
                    conditions = conditions with { Connected = ReadBool(item, itemPath) };
                    break;
                case "relationship":
                    conditions = conditions with { Relationship = ReadRelationship(item, itemPath) };
                    break;
                case "sender_held":
                    conditions = conditions with { SenderHeld = ReadBool(item, itemPath) };
                    break;
                case "risk":
                    conditions = conditions with { Risk = ReadRisk(item, itemPath) };
                    break;
                case "message_signals":
                    conditions = conditions with { MessageSignals = ReadStringList(item, itemPath) };
                    break;
                case "conversation_signals":
                    conditions = conditions with { ConversationSignals = ReadStringList(item, itemPath) };
                    break;
                case "counters":
                    conditions = conditions with { Counters = ReadCounters(item, itemPath) };
                    break;
                case "features":
                    conditions = conditions with { Features = ReadEnumList<MessageFeature>(item, itemPath, PolicyNames.TryParseFeature, PolicyNames.Features, "feature") };
                    break;
            }
        });
        return conditions;
    }

    // "relationship": ["guardian", "none"] or { "kind": [...], "established": [...], "not": true }.
    private RelationshipCondition? ReadRelationship(JsonValue value, string path)
    {
        if (value.Kind == JsonKind.Array)
        {
            var (kinds, none) = ReadRelationshipKinds(value, path);
            return kinds is null ? null : new RelationshipCondition(kinds, none);
        }

        if (value.Kind != JsonKind.Object)
        {
            AddError(path, value.Offset, $"expected an array of relationship kinds or an object with kind, established, not, got {value.KindName}");
            return null;
        }

        IReadOnlyList<RelationshipKind>? kindList = null;
        var matchesNone = false;
        RelationshipBasis[]? established = null;
        var negate = false;
        ForEachProperty(value, path, RelationshipKeys, (name, item, itemPath) =>
        {
            switch (name)
            {
                case "kind":
                    (kindList, matchesNone) = ReadRelationshipKinds(item, itemPath);
                    break;
                case "established":
                    established = ReadEnumList<RelationshipBasis>(item, itemPath, PolicyNames.TryParseRelationshipBasis, PolicyNames.RelationshipBases, "relationship basis");
                    break;
                case "not":
                    negate = ReadBool(item, itemPath) ?? false;
                    break;
            }
        });
        return new RelationshipCondition(kindList is { Count: 0 } && matchesNone ? [] : kindList, matchesNone, established, negate);
    }

    private (RelationshipKind[]? Kinds, bool None) ReadRelationshipKinds(JsonValue value, string path)
    {
        if (value.Kind != JsonKind.Array)
        {
            AddError(path, value.Offset, $"expected an array of relationship kinds, got {value.KindName}");
            return (null, false);
        }

        var kinds = new List<RelationshipKind>();
        var none = false;
        for (var i = 0; i < value.Items!.Count; i++)
        {
            var item = value.Items[i];
            var itemPath = $"{path}[{i}]";
            _offsets[itemPath] = item.Offset;
            if (item.Kind == JsonKind.String && item.String == PolicyNames.NoRelationship)
            {
                none = true;
            }
            else if (ReadEnum<RelationshipKind>(item, itemPath, PolicyNames.TryParseRelationshipKind, [.. PolicyNames.RelationshipKinds, PolicyNames.NoRelationship], "relationship kind") is { } kind)
            {
                AddDistinct(kinds, kind);
            }
        }

        if (value.Items.Count == 0)
        {
            AddError(path, value.Offset, "must not be empty");
        }

        return (kinds.ToArray(), none);
    }

    private RiskCondition? ReadRisk(JsonValue value, string path)
    {
        string? harm = null;
        var source = RiskSource.Sender;
        float? min = null;
        ForEachProperty(value, path, RiskKeys, (name, item, itemPath) =>
        {
            switch (name)
            {
                case "harm":
                    harm = ReadString(item, itemPath);
                    break;
                case "of":
                    var of = ReadString(item, itemPath);
                    if (of == "conversation")
                    {
                        source = RiskSource.Conversation;
                    }
                    else if (of == "room")
                    {
                        source = RiskSource.Room;
                    }
                    else if (of is not null && of != "sender")
                    {
                        AddError(itemPath, item.Offset, $"unknown risk source '{PolicyText.Echo(of)}' (expected sender, conversation or room)");
                    }

                    break;
                case "min":
                    if (item.Kind == JsonKind.String && item.String == "threshold")
                    {
                        min = null;
                    }
                    else if (item.Kind == JsonKind.Number)
                    {
                        min = (float)item.Number;
                    }
                    else
                    {
                        AddError(itemPath, item.Offset, $"expected a number in [0, 1] or \"threshold\", got {item.KindName}");
                    }

                    break;
            }
        });

        if (value.Kind != JsonKind.Object)
        {
            return null;
        }

        if (harm is null)
        {
            if (!_errorPaths.Contains(path + ".harm"))
            {
                AddError(path + ".harm", value.Offset, "a risk condition needs a harm");
            }

            return null;
        }

        return new RiskCondition(harm, source, min);
    }

    private Dictionary<string, CounterRange>? ReadCounters(JsonValue value, string path)
    {
        var result = new Dictionary<string, CounterRange>(StringComparer.Ordinal);
        ForEachProperty(value, path, null, (name, item, itemPath) =>
        {
            if (item.Kind == JsonKind.Number)
            {
                if (ReadInt(item, itemPath) is { } shorthand)
                {
                    result[name] = new CounterRange(shorthand, null);
                }

                return;
            }

            int? min = null, max = null;
            var ok = true;
            ForEachProperty(item, itemPath, CounterKeys, (bound, boundValue, boundPath) =>
            {
                var number = ReadInt(boundValue, boundPath);
                ok &= number is not null;
                if (bound == "min")
                {
                    min = number;
                }
                else
                {
                    max = number;
                }
            });

            if (item.Kind == JsonKind.Object && ok)
            {
                result[name] = new CounterRange(min, max);
            }
        });
        return value.Kind == JsonKind.Object ? result : null;
    }

    private RuleAction[] ReadActions(JsonValue value, string path)
    {
        if (value.Kind != JsonKind.Array)
        {
            AddError(path, value.Offset, $"expected an array of actions, got {value.KindName}");
            return [];
        }

        var actions = new List<RuleAction>();
        for (var i = 0; i < value.Items!.Count; i++)
        {
            var item = value.Items[i];
            var itemPath = $"{path}[{i}]";
            _offsets[itemPath] = item.Offset;
            if (item.Kind == JsonKind.String)
            {
                if (ParseAction(item, itemPath) is { } shorthand)
                {
                    actions.Add(new RuleAction(shorthand));
                }

                continue;
            }

            if (item.Kind != JsonKind.Object)
            {
                AddError(itemPath, item.Offset, $"expected an action name or an object with 'action', got {item.KindName}");
                continue;
            }

            PolicyAction? action = null;
            Severity? severity = null;
            string? nudge = null;
            ForEachProperty(item, itemPath, ActionKeys, (name, field, fieldPath) =>
            {
                switch (name)
                {
                    case "action":
                        if (field.Kind == JsonKind.String)
                        {
                            action = ParseAction(field, fieldPath);
                        }
                        else
                        {
                            AddError(fieldPath, field.Offset, $"expected a string, got {field.KindName}");
                        }

                        break;
                    case "severity":
                        severity = ReadEnum<Severity>(field, fieldPath, PolicyNames.TryParseSeverity, PolicyNames.Severities, "severity");
                        break;
                    case "nudge":
                        nudge = ReadString(field, fieldPath);
                        break;
                }
            });

            if (action is { } a)
            {
                actions.Add(new RuleAction(a, severity, nudge));
            }
            else if (!HasProperty(item, "action"))
            {
                AddError(itemPath, item.Offset, "an action object needs an 'action' key");
            }
        }

        return actions.ToArray();
    }

    private PolicyAction? ParseAction(JsonValue value, string path)
    {
        if (PolicyNames.TryParseAction(value.String!, out var action))
        {
            return action;
        }

        AddError(path, value.Offset, $"unknown action '{PolicyText.Echo(value.String)}'{Suggest(value.String!, PolicyNames.Actions)} (expected one of: {string.Join(", ", PolicyNames.Actions)})");
        return null;
    }

    private AgeBand[]? ReadAges(JsonValue value, string path)
    {
        if (value.Kind != JsonKind.Array)
        {
            AddError(path, value.Offset, $"expected an array of age bands, got {value.KindName}");
            return null;
        }

        var result = new List<AgeBand>();
        for (var i = 0; i < value.Items!.Count; i++)
        {
            var item = value.Items[i];
            var itemPath = $"{path}[{i}]";
            _offsets[itemPath] = item.Offset;
            if (item.Kind == JsonKind.String && item.String == PolicyNames.MinorAlias)
            {
                AddDistinct(result, AgeBand.Child);
                AddDistinct(result, AgeBand.Teen);
            }
            else if (ReadEnum<AgeBand>(item, itemPath, PolicyNames.TryParseAgeBand, [.. PolicyNames.AgeBands, PolicyNames.MinorAlias], "age band") is { } band)
            {
                AddDistinct(result, band);
            }
        }

        return result.ToArray();
    }

    private T[]? ReadEnumList<T>(JsonValue value, string path, TryParse<T> parse, IReadOnlyList<string> names, string what)
        where T : struct
    {
        if (value.Kind != JsonKind.Array)
        {
            AddError(path, value.Offset, $"expected an array of {what} names, got {value.KindName}");
            return null;
        }

        var result = new List<T>();
        for (var i = 0; i < value.Items!.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            _offsets[itemPath] = value.Items[i].Offset;
            if (ReadEnum<T>(value.Items[i], itemPath, parse, names, what) is { } parsed)
            {
                AddDistinct(result, parsed);
            }
        }

        return result.ToArray();
    }

    private string[]? ReadStringList(JsonValue value, string path)
    {
        if (value.Kind != JsonKind.Array)
        {
            AddError(path, value.Offset, $"expected an array of strings, got {value.KindName}");
            return null;
        }

        var result = new List<string>();
        for (var i = 0; i < value.Items!.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            _offsets[itemPath] = value.Items[i].Offset;
            if (ReadString(value.Items[i], itemPath) is { } s)
            {
                result.Add(s);
            }
        }

        return result.ToArray();
    }

    private delegate bool TryParse<T>(string name, out T value);

    private T? ReadEnum<T>(JsonValue value, string path, TryParse<T> parse, IReadOnlyList<string> names, string what)
        where T : struct
    {
        if (ReadString(value, path) is not { } name)
        {
            return null;
        }

        if (parse(name, out var parsed))
        {
            return parsed;
        }

        AddError(path, value.Offset, $"unknown {what} '{PolicyText.Echo(name)}'{Suggest(name, names)} (expected one of: {string.Join(", ", names)})");
        return null;
    }

    private TimeSpan? ReadDuration(JsonValue value, string path)
    {
        if (ReadString(value, path) is not { } text)
        {
            return null;
        }

        if (TryParseDuration(text, out var duration, out var tooLong))
        {
            if (!tooLong)
            {
                return duration;
            }

            AddError(path, value.Offset, $"'{PolicyText.Echo(text)}' is longer than the maximum duration of {MaxDuration.TotalDays:0}d");
            return null;
        }

        AddError(path, value.Offset, $"'{PolicyText.Echo(text)}' is not a duration (use a number and a unit: s, m, h or d, for example \"10m\", \"24h\" or \"1h30m\")");
        return null;
    }

    /// <summary>The longest duration a policy may set (a cooldown is added to the current time).</summary>
    internal static readonly TimeSpan MaxDuration = TimeSpan.FromDays(366);

    internal static bool TryParseDuration(string text, out TimeSpan duration) =>
        TryParseDuration(text, out duration, out var tooLong) && !tooLong;

    /// <summary>
    /// Parses <c>NUMBERunit</c> parts (units s, m, h, d; ASCII digits only). Sums are computed in whole seconds with an
    /// upper bound, so no input overflows; <paramref name="tooLong"/> is set when the total exceeds <see cref="MaxDuration"/>.
    /// </summary>
    internal static bool TryParseDuration(string text, out TimeSpan duration, out bool tooLong)
    {
        duration = TimeSpan.Zero;
        tooLong = false;
        if (text.Length == 0)
        {
            return false;
        }

        var limit = (long)MaxDuration.TotalSeconds;
        long total = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            long number = 0;
            while (i < text.Length && text[i] >= '0' && text[i] <= '9')
            {
                number = Math.Min(number * 10 + (text[i] - '0'), long.MaxValue / 1_000_000);
                i++;
            }

            if (i == start || i == text.Length)
            {
                return false;
            }

            long unit;
            switch (text[i])
            {
                case 's': unit = 1; break;
                case 'm': unit = 60; break;
                case 'h': unit = 3600; break;
                case 'd': unit = 86400; break;
                default: return false;
            }

            total = Math.Min(total + (number * unit), limit + 1);
            i++;
        }

        tooLong = total > limit;
        duration = tooLong ? MaxDuration : TimeSpan.FromSeconds(total);
        return true;
    }

    private string? ReadString(JsonValue value, string path)
    {
        if (value.Kind == JsonKind.String)
        {
            return value.String;
        }

        AddError(path, value.Offset, $"expected a string, got {value.KindName}");
        return null;
    }

    private bool? ReadBool(JsonValue value, string path)
    {
        if (value.Kind == JsonKind.Boolean)
        {
            return value.Boolean;
        }

        AddError(path, value.Offset, $"expected true or false, got {value.KindName}");
        return null;
    }

    private float? ReadFloat(JsonValue value, string path)
    {
        if (value.Kind == JsonKind.Number)
        {
            return (float)value.Number;
        }

        AddError(path, value.Offset, $"expected a number, got {value.KindName}");
        return null;
    }

    private int? ReadInt(JsonValue value, string path)
    {
        if (value.Kind == JsonKind.Number && value.IsInteger && value.Number is >= int.MinValue and <= int.MaxValue)
        {
            return (int)value.Number;
        }

        AddError(path, value.Offset, $"expected a whole number, got {(value.Kind == JsonKind.Number ? "a fraction" : value.KindName)}");
        return null;
    }

    private void ForEachProperty(JsonValue value, string path, string[]? allowedKeys, Action<string, JsonValue, string> handle)
    {
        var displayPath = path.Length == 0 ? "(root)" : path;
        _offsets[displayPath] = value.Offset;
        if (value.Kind != JsonKind.Object)
        {
            AddError(displayPath, value.Offset, $"expected an object, got {value.KindName}");
            return;
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var property in value.Properties!)
        {
            var shownName = PolicyText.Echo(property.Name);
            var propertyPath = path.Length == 0 ? shownName : $"{path}.{shownName}";
            if (seen.TryGetValue(property.Name, out var firstOffset))
            {
                AddError(propertyPath, property.NameOffset, $"duplicate key '{PolicyText.Echo(property.Name)}' (first at line {_document.Position(firstOffset).Line})");
                continue;
            }

            seen.Add(property.Name, property.NameOffset);
            if (allowedKeys is not null && Array.IndexOf(allowedKeys, property.Name) < 0)
            {
                AddError(propertyPath, property.NameOffset, $"unknown key '{PolicyText.Echo(property.Name)}'{Suggest(property.Name, allowedKeys)} (expected one of: {string.Join(", ", allowedKeys)})");
                continue;
            }

            _offsets[propertyPath] = property.Value.Offset;
            handle(property.Name, property.Value, propertyPath);
        }
    }

    private static JsonProperty? Find(JsonValue value, string name) =>
        value.Properties?.FirstOrDefault(p => p.Name == name);

    private static bool HasProperty(JsonValue value, string name) => Find(value, name) is not null;

    private static void AddDistinct<T>(List<T> list, T item)
    {
        if (!list.Contains(item))
        {
            list.Add(item);
        }
    }

    private void AddError(string path, int offset, string reason)
    {
        var (line, column) = _document.Position(offset);
        _errorPaths.Add(path);
        _errors.Add(new PolicyError(PolicyText.Escape(_source), line, column, PolicyText.Escape(path), PolicyText.Escape(reason)));
    }

    private bool AlreadyReported(string path)
    {
        // An error on a key already explains any follow-up problem on it or inside it, and an error inside a list
        // (an unknown action) explains the list looking empty afterwards.
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            if (_errorPaths.Contains(p))
            {
                return true;
            }
        }

        return _errorPaths.Any(e => e.StartsWith(path + "[", StringComparison.Ordinal));
    }

    private int OffsetOf(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            if (_offsets.TryGetValue(p, out var offset))
            {
                return offset;
            }
        }

        return _document.Root.Offset;
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? string.Empty : path.Substring(0, cut);
    }

    private static string Suggest(string name, IReadOnlyList<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(name, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Math.Max(1, name.Length / 3) ? $" (did you mean '{best}'?)" : string.Empty;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
