using SafeChat.Conversations;
using SafeChat.Scoring;

using SafeChat.Policies.Json;

namespace SafeChat.Policies;

/// <summary>
/// The checks shared by the file loader and the builder, so both reject the same policies with the same reasons.
/// Paths use the file's key names.
/// </summary>
internal static class PolicyValidator
{
    internal const int MaxNudgeLength = 500;
    internal const int MaxIdLength = 100;

    public static void Validate(PolicyDefinition policy, List<(string Path, string Reason)> errors)
    {
        if (!IsValidId(policy.Id))
        {
            errors.Add(("id", string.IsNullOrEmpty(policy.Id)
                ? "a policy id is required"
                : $"'{PolicyText.Echo(policy.Id)}' is not a valid id (letters, digits, '.', '_' or '-', starting with a letter or digit, at most {MaxIdLength} characters)"));
        }

        if (!InUnitRange(policy.Hysteresis) || policy.Hysteresis >= 1f)
        {
            errors.Add(("hysteresis", $"must be in [0, 1), got {Format(policy.Hysteresis)}"));
        }

        CheckCooldown(policy.Cooldowns.Escalate, "cooldowns.escalate", errors);
        CheckCooldown(policy.Cooldowns.Freeze, "cooldowns.freeze", errors);
        CheckCooldown(policy.Cooldowns.Warn, "cooldowns.warn", errors);

        foreach (var pair in policy.Thresholds)
        {
            var path = $"thresholds.{pair.Key}";
            if (!HarmNames.All.Contains(pair.Key))
            {
                errors.Add((path, $"unknown harm '{PolicyText.Echo(pair.Key)}' (expected one of: {string.Join(", ", HarmNames.All)})"));
                continue;
            }

            CheckThreshold(pair.Value.Child, path + ".child", errors);
            CheckThreshold(pair.Value.Teen, path + ".teen", errors);
            CheckThreshold(pair.Value.Adult, path + ".adult", errors);
            CheckThreshold(pair.Value.Unknown, path + ".unknown", errors);
            if (pair.Value.ModelOffsets is { } offsets)
            {
                CheckOffset(offsets.Child, path + ".child", errors);
                CheckOffset(offsets.Teen, path + ".teen", errors);
                CheckOffset(offsets.Adult, path + ".adult", errors);
                CheckOffset(offsets.Unknown, path + ".unknown", errors);
            }
        }

        var firstIndexById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < policy.Rules.Count; i++)
        {
            var rule = policy.Rules[i];
            var path = $"rules[{i}]";
            if (rule is null)
            {
                errors.Add((path, "a rule is required"));
                continue;
            }

            if (!IsValidId(rule.Id))
            {
                errors.Add((path + ".id", string.IsNullOrEmpty(rule.Id)
                    ? "a rule id is required"
                    : $"'{PolicyText.Echo(rule.Id)}' is not a valid id (letters, digits, '.', '_' or '-', starting with a letter or digit, at most {MaxIdLength} characters)"));
            }
            else if (firstIndexById.TryGetValue(rule.Id, out var first))
            {
                errors.Add((path + ".id", $"duplicate rule id '{PolicyText.Echo(rule.Id)}' (first used by rules[{first}])"));
            }
            else
            {
                firstIndexById.Add(rule.Id, i);
            }

            ValidateRule(policy, rule, path, errors);
        }
    }

    private static void ValidateRule(PolicyDefinition policy, PolicyRule rule, string path, List<(string Path, string Reason)> errors)
    {
        var isJoin = rule.Trigger == RuleTrigger.Join;
        if (rule.Hysteresis is { } hysteresis && (!InUnitRange(hysteresis) || hysteresis >= 1f))
        {
            errors.Add((path + ".hysteresis", $"must be in [0, 1), got {Format(hysteresis)}"));
        }

        if (rule.Cooldown is { } cooldown)
        {
            CheckCooldown(cooldown, path + ".cooldown", errors);
        }

        if (rule.Actions.Count == 0)
        {
            errors.Add((path + ".actions", "a rule needs at least one action"));
        }

        var seen = new HashSet<PolicyAction>();
        for (var j = 0; j < rule.Actions.Count; j++)
        {
            var action = rule.Actions[j];
            var actionPath = $"{path}.actions[{j}]";
            var name = PolicyNames.Of(action.Action);
            if (!seen.Add(action.Action))
            {
                errors.Add((actionPath, $"duplicate action '{PolicyText.Echo(name)}' in one rule"));
            }

            if (isJoin && action.Action is PolicyAction.Block or PolicyAction.Hold or PolicyAction.Freeze or PolicyAction.HoldSender)
            {
                errors.Add((actionPath, $"'{PolicyText.Echo(name)}' applies to messages; a join rule can use allow, deny-join, warn-sender, warn-recipient or escalate"));
            }
            else if (!isJoin && action.Action == PolicyAction.DenyJoin)
            {
                errors.Add((actionPath, "'deny-join' applies to joins; use \"on\": \"join\" or the 'block' action"));
            }

            if (action.Action == PolicyAction.Escalate)
            {
                if (action.Severity is null)
                {
                    errors.Add((actionPath, $"'escalate' needs a severity ({string.Join(", ", PolicyNames.Severities)})"));
                }
            }
            else if (action.Severity is not null)
            {
                errors.Add((actionPath + ".severity", $"only 'escalate' takes a severity, not '{PolicyText.Echo(name)}'"));
            }

            if (action.Action is PolicyAction.WarnSender or PolicyAction.WarnRecipient)
            {
                if (string.IsNullOrWhiteSpace(action.Nudge))
                {
                    errors.Add((actionPath, $"'{PolicyText.Echo(name)}' needs a nudge text"));
                }
                else if (action.Nudge!.Length > MaxNudgeLength)
                {
                    errors.Add((actionPath + ".nudge", $"a nudge is at most {MaxNudgeLength} characters, got {action.Nudge.Length}"));
                }
            }
            else if (action.Nudge is not null)
            {
                errors.Add((actionPath + ".nudge", $"only warn-sender and warn-recipient take a nudge, not '{PolicyText.Echo(name)}'"));
            }
        }

        var when = rule.Conditions;
        var whenPath = path + ".when";
        CheckNotEmpty(when.Rooms, whenPath + ".room", errors);
        CheckNotEmpty(when.SenderAges, whenPath + (isJoin ? ".joiner_age" : ".sender_age"), errors);
        CheckNotEmpty(when.SenderAssurance, whenPath + (isJoin ? ".joiner_assurance" : ".sender_assurance"), errors);
        CheckNotEmpty(when.RecipientAges, whenPath + (isJoin ? ".member_age" : ".recipient_age"), errors);
        CheckNotEmpty(when.RecipientAssurance, whenPath + (isJoin ? ".member_assurance" : ".recipient_assurance"), errors);
        CheckNotEmpty(when.Features, whenPath + ".features", errors);
        if (when.Relationship is { } relationship)
        {
            if (!relationship.MatchesNone)
            {
                CheckNotEmpty(relationship.Kinds, whenPath + ".relationship.kind", errors);
            }

            CheckNotEmpty(relationship.Established, whenPath + ".relationship.established", errors);
        }

        if (isJoin)
        {
            RejectForJoin(when.Risk, whenPath + ".risk", errors);
            RejectForJoin(when.MessageSignals, whenPath + ".message_signals", errors);
            RejectForJoin(when.ConversationSignals, whenPath + ".conversation_signals", errors);
            RejectForJoin(when.Counters, whenPath + ".counters", errors);
            RejectForJoin(when.Features, whenPath + ".features", errors);
            RejectForJoin(when.SenderHeld, whenPath + ".sender_held", errors);
            return;
        }

        if (when.Risk is { } risk)
        {
            if (!HarmNames.All.Contains(risk.Harm))
            {
                errors.Add((whenPath + ".risk.harm", $"unknown harm '{PolicyText.Echo(risk.Harm)}' (expected one of: {string.Join(", ", HarmNames.All)})"));
            }
            else if (risk.Min is null && !policy.Thresholds.ContainsKey(risk.Harm))
            {
                errors.Add((whenPath + ".risk.min", $"no fixed minimum and no thresholds.{risk.Harm} in the policy; add one of them"));
            }

            if (risk.Min is { } min && !InUnitRange(min))
            {
                errors.Add((whenPath + ".risk.min", $"must be in [0, 1], got {Format(min)}"));
            }
        }

        CheckSignals(when.MessageSignals, whenPath + ".message_signals", errors);
        CheckSignals(when.ConversationSignals, whenPath + ".conversation_signals", errors);

        if (when.Counters is { } counters)
        {
            if (counters.Count == 0)
            {
                errors.Add((whenPath + ".counters", "must not be empty"));
            }

            foreach (var pair in counters)
            {
                var counterPath = $"{whenPath}.counters.{pair.Key}";
                if (!UserCounters.Names.Contains(pair.Key))
                {
                    errors.Add((counterPath, $"unknown counter '{PolicyText.Echo(pair.Key)}' (expected one of: {string.Join(", ", UserCounters.Names)})"));
                    continue;
                }

                var range = pair.Value;
                if (range.Min is null && range.Max is null)
                {
                    errors.Add((counterPath, "needs 'min', 'max' or both"));
                }

                if (range.Min < 0)
                {
                    errors.Add((counterPath + ".min", $"must be 0 or more, got {range.Min}"));
                }

                if (range.Max < 0)
                {
                    errors.Add((counterPath + ".max", $"must be 0 or more, got {range.Max}"));
                }

                if (range.Min > range.Max)
                {
                    errors.Add((counterPath, $"min ({range.Min}) is greater than max ({range.Max})"));
                }
            }
        }
    }

    internal static bool IsValidId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id!.Length > MaxIdLength || !char.IsLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static void CheckSignals(IReadOnlyList<string>? signals, string path, List<(string Path, string Reason)> errors)
    {
        if (signals is null)
        {
            return;
        }

        if (signals.Count == 0)
        {
            errors.Add((path, "must not be empty"));
        }

        for (var i = 0; i < signals.Count; i++)
        {
            if (!SignalNames.All.Contains(signals[i]))
            {
                errors.Add(($"{path}[{i}]", $"unknown signal '{PolicyText.Echo(signals[i])}' (expected one of: {string.Join(", ", SignalNames.All)})"));
            }
        }
    }

    private static void CheckNotEmpty<T>(IReadOnlyList<T>? list, string path, List<(string Path, string Reason)> errors)
    {
        if (list is { Count: 0 })
        {
            errors.Add((path, "must not be empty (leave the key out to match anything)"));
        }
    }

    private static void RejectForJoin(object? condition, string path, List<(string Path, string Reason)> errors)
    {
        if (condition is not null)
        {
            errors.Add((path, "is only available in message rules"));
        }
    }

    private static void CheckOffset(float? offset, string path, List<(string Path, string Reason)> errors)
    {
        if (offset is { } value && (float.IsNaN(value) || value < -1f || value > 1f))
        {
            errors.Add((path, $"a model offset must be in [-1, 1], got {Format(value)}"));
        }
    }

    private static void CheckThreshold(float value, string path, List<(string Path, string Reason)> errors)
    {
        if (!InUnitRange(value))
        {
            errors.Add((path, $"a threshold must be in [0, 1], got {Format(value)}"));
        }
    }

    private static void CheckCooldown(TimeSpan value, string path, List<(string Path, string Reason)> errors)
    {
        if (value < TimeSpan.Zero)
        {
            errors.Add((path, "a cooldown must not be negative"));
        }
    }

    private static bool InUnitRange(float value) => value is >= 0f and <= 1f;

    private static string Format(float value) => value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
