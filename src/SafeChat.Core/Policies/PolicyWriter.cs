using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SafeChat.Policies;

/// <summary>Writes a policy in the file format, so a policy built in code can be saved, reviewed and reloaded.</summary>
public static class PolicyWriter
{
    /// <summary>Returns the policy as indented JSON that <see cref="PolicyLoader.Parse"/> reads back to the same rules.</summary>
    public static string ToJson(PolicyDefinition policy)
    {
        if (policy is null)
        {
            throw new ArgumentNullException(nameof(policy));
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("id", policy.Id);
            if (policy.Description is not null)
            {
                writer.WriteString("description", policy.Description);
            }

            writer.WriteBoolean("shadow", policy.Shadow);
            WriteFloat(writer, "hysteresis", policy.Hysteresis);
            writer.WriteString("trust_adult_age_from", PolicyNames.Of(policy.TrustAdultAgeFrom));
            writer.WriteStartObject("cooldowns");
            writer.WriteString("escalate", FormatDuration(policy.Cooldowns.Escalate));
            writer.WriteString("freeze", FormatDuration(policy.Cooldowns.Freeze));
            writer.WriteString("warn", FormatDuration(policy.Cooldowns.Warn));
            writer.WriteEndObject();
            writer.WriteStartObject("thresholds");
            foreach (var pair in policy.Thresholds.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject(pair.Key);
                var offsets = pair.Value.ModelOffsets;
                WriteThreshold(writer, "child", pair.Value.Child, offsets?.Child);
                WriteThreshold(writer, "teen", pair.Value.Teen, offsets?.Teen);
                WriteThreshold(writer, "adult", pair.Value.Adult, offsets?.Adult);
                WriteThreshold(writer, "unknown", pair.Value.Unknown, offsets?.Unknown);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteStartArray("rules");
            foreach (var rule in policy.Rules)
            {
                WriteRule(writer, rule);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteRule(Utf8JsonWriter writer, PolicyRule rule)
    {
        var join = rule.Trigger == RuleTrigger.Join;
        writer.WriteStartObject();
        writer.WriteString("id", rule.Id);
        if (rule.Description is not null)
        {
            writer.WriteString("description", rule.Description);
        }

        if (rule.Regulation is not null)
        {
            writer.WriteString("regulation", rule.Regulation);
        }

        writer.WriteString("on", join ? "join" : "message");
        var when = rule.Conditions;
        writer.WriteStartObject("when");
        WriteList(writer, "room", when.Rooms, PolicyNames.Of);
        WriteList(writer, join ? "joiner_age" : "sender_age", when.SenderAges, PolicyNames.Of);
        WriteList(writer, join ? "joiner_assurance" : "sender_assurance", when.SenderAssurance, PolicyNames.Of);
        WriteList(writer, join ? "member_age" : "recipient_age", when.RecipientAges, PolicyNames.Of);
        WriteList(writer, join ? "member_assurance" : "recipient_assurance", when.RecipientAssurance, PolicyNames.Of);
        if (when.Connected is { } connected)
        {
            writer.WriteBoolean("connected", connected);
        }

        if (when.Relationship is { } relationship)
        {
            writer.WriteStartObject("relationship");
            if (relationship.Kinds is not null || relationship.MatchesNone)
            {
                writer.WriteStartArray("kind");
                foreach (var kind in relationship.Kinds ?? [])
                {
                    writer.WriteStringValue(PolicyNames.Of(kind));
                }

                if (relationship.MatchesNone)
                {
                    writer.WriteStringValue(PolicyNames.NoRelationship);
                }

                writer.WriteEndArray();
            }

            WriteList(writer, "established", relationship.Established, PolicyNames.Of);
            if (relationship.Not)
            {
                writer.WriteBoolean("not", true);
            }

            writer.WriteEndObject();
        }

        if (when.SenderHeld is { } held)
        {
            writer.WriteBoolean("sender_held", held);
        }

        if (when.Risk is { } risk)
        {
            writer.WriteStartObject("risk");
            writer.WriteString("harm", risk.Harm);
            writer.WriteString("of", risk.Source switch { RiskSource.Conversation => "conversation", RiskSource.Room => "room", _ => "sender" });
            if (risk.Min is { } min)
            {
                WriteFloat(writer, "min", min);
            }
            else
            {
                writer.WriteString("min", "threshold");
            }

            writer.WriteEndObject();
        }

        WriteList(writer, "message_signals", when.MessageSignals, s => s);
        WriteList(writer, "conversation_signals", when.ConversationSignals, s => s);
        if (when.Counters is { } counters)
        {
            writer.WriteStartObject("counters");
            foreach (var pair in counters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject(pair.Key);
                if (pair.Value.Min is { } counterMin)
                {
                    writer.WriteNumber("min", counterMin);
                }

                if (pair.Value.Max is { } counterMax)
                {
                    writer.WriteNumber("max", counterMax);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        WriteList(writer, "features", when.Features, PolicyNames.Of);
        writer.WriteEndObject();

        writer.WriteStartArray("actions");
        foreach (var action in rule.Actions)
        {
            writer.WriteStartObject();
            writer.WriteString("action", PolicyNames.Of(action.Action));
            if (action.Severity is { } severity)
            {
                writer.WriteString("severity", PolicyNames.Of(severity));
            }

            if (action.Nudge is not null)
            {
                writer.WriteString("nudge", action.Nudge);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteBoolean("shadow", rule.Shadow);
        writer.WriteBoolean("enabled", rule.Enabled);
        writer.WriteBoolean("stop", rule.Stop);
        if (rule.Cooldown is { } cooldown)
        {
            writer.WriteString("cooldown", FormatDuration(cooldown));
        }

        if (rule.Hysteresis is { } hysteresis)
        {
            WriteFloat(writer, "hysteresis", hysteresis);
        }

        writer.WriteString("once_per", rule.OncePer == StateScope.Subject ? "subject" : "conversation");
        writer.WriteEndObject();
    }

    private static void WriteThreshold(Utf8JsonWriter writer, string name, float value, float? offset)
    {
        if (offset is not { } o)
        {
            WriteFloat(writer, name, value);
            return;
        }

        writer.WriteString(name, o == 0f ? "model" : "model" + (o > 0 ? "+" : "-") + Math.Abs(o).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void WriteList<T>(Utf8JsonWriter writer, string name, IReadOnlyList<T>? values, Func<T, string> format)
    {
        if (values is null)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(format(value));
        }

        writer.WriteEndArray();
    }

    // Floats are written via their shortest round-trip decimal so 0.6f reads back as 0.6f.
    private static void WriteFloat(Utf8JsonWriter writer, string name, float value) =>
        writer.WriteNumber(name, double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));

    internal static string FormatDuration(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (value.Days > 0)
        {
            builder.Append(value.Days.ToString(CultureInfo.InvariantCulture)).Append('d');
        }

        if (value.Hours > 0)
        {
            builder.Append(value.Hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (value.Minutes > 0)
        {
            builder.Append(value.Minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        if (value.Seconds > 0)
        {
            builder.Append(value.Seconds.ToString(CultureInfo.InvariantCulture)).Append('s');
        }

        return builder.ToString();
    }
}
