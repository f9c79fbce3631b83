using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using SafeChat.Engine;
using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Cli;

/// <summary>
/// Accumulates the engine's evaluations of one conversation into the public output line
/// <c>{"id","flagged","risk","harms","first_alert_index","flagged_authors","signals","decisions","language"}</c> (see README). Ids and
/// names are written with control and bidi characters escaped (<see cref="OutputText"/>).
/// </summary>
internal sealed class ConversationResult(string id, SafeChatEngine engine, float signalThreshold)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Dictionary<string, float> _harms = HarmNames.All.ToDictionary(h => h, _ => 0f, StringComparer.Ordinal);
    private readonly List<string> _flaggedAuthors = [];
    private readonly HashSet<string> _flaggedAuthorSet = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Author, string Signal), SignalEvidence> _signals = [];
    private readonly List<(Decision Decision, int Index)> _decisions = [];
    private readonly HashSet<(string Rule, PolicyAction Action, bool Shadow)> _decisionKeys = [];
    private float _risk;

    /// <summary>The conversation's language as <see cref="LanguageGuess"/> reads it (reported only).</summary>
    public string Language { get; init; } = LanguageGuess.Undetermined;
    private int? _firstAlertIndex;

    public void Add(MessageEvaluation evaluation)
    {
        var assessment = evaluation.Assessment;
        _risk = Math.Max(_risk, Clamp(assessment.Risk));
        foreach (var harm in assessment.Harms)
        {
            _harms[harm.Key] = Math.Max(_harms.GetValueOrDefault(harm.Key), Clamp(harm.Value));
        }

        _firstAlertIndex ??= evaluation.FirstAlertIndex;
        foreach (var author in assessment.Authors)
        {
            if (!_flaggedAuthorSet.Contains(author.AuthorId)
                && ReachesThreshold(author)
                && _flaggedAuthorSet.Add(author.AuthorId))
            {
                _flaggedAuthors.Add(author.AuthorId);
            }
        }

        foreach (var evidence in assessment.Signals)
        {
            if (evidence.Probability < signalThreshold)
            {
                continue;
            }

            var key = (evidence.AuthorId, evidence.Signal);
            if (!_signals.TryGetValue(key, out var existing) || evidence.Probability > existing.Probability)
            {
                _signals[key] = evidence;
            }
        }

        foreach (var decision in evaluation.Decisions)
        {
            if (_decisionKeys.Add((decision.RuleId, decision.Action, decision.Shadow)))
            {
                _decisions.Add((decision, evaluation.MessageIndex));
            }
        }
    }

    private bool ReachesThreshold(AuthorRisk author)
    {
        foreach (var harm in author.Harms)
        {
            if (harm.Value >= engine.AlertThresholdFor(harm.Key))
            {
                return true;
            }
        }

        return false;
    }

    public void WriteTo(ArrayBufferWriter<byte> buffer)
    {
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        writer.WriteStartObject();
        OutputText.WriteString(writer, "id", id);
        writer.WriteBoolean("flagged", _firstAlertIndex is not null);
        writer.WriteNumber("risk", Round(_risk));
        writer.WriteStartObject("harms");
        foreach (var harm in HarmNames.All.Concat(_harms.Keys.Except(HarmNames.All).Order(StringComparer.Ordinal)))
        {
            writer.WriteNumber(harm, Round(_harms[harm]));
        }

        writer.WriteEndObject();
        if (_firstAlertIndex is { } first)
        {
            writer.WriteNumber("first_alert_index", first);
        }
        else
        {
            writer.WriteNull("first_alert_index");
        }

        writer.WriteStartArray("flagged_authors");
        foreach (var author in _flaggedAuthors)
        {
            OutputText.WriteStringValue(writer, author);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("signals");
        foreach (var evidence in _signals.Values.OrderBy(e => e.MessageIndex).ThenBy(e => SignalOrder(e.Signal)).ThenBy(e => e.AuthorId, StringComparer.Ordinal))
        {
            writer.WriteStartObject();
            OutputText.WriteString(writer, "signal", evidence.Signal);
            OutputText.WriteString(writer, "harm", evidence.Harm);
            OutputText.WriteString(writer, "author", evidence.AuthorId);
            writer.WriteNumber("message_index", evidence.MessageIndex);
            writer.WriteNumber("probability", Round(evidence.Probability));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("decisions");
        foreach (var (decision, index) in _decisions)
        {
            writer.WriteStartObject();
            OutputText.WriteString(writer, "rule", decision.RuleId);
            writer.WriteString("action", KebabCase(decision.Action.ToString()));
            writer.WriteNumber("message_index", index);
            if (decision.Severity is { } severity)
            {
                writer.WriteString("severity", KebabCase(severity.ToString()));
            }

            if (decision.Shadow)
            {
                writer.WriteBoolean("shadow", true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("language", Language);
        writer.WriteEndObject();
    }

    internal static string KebabCase(string pascal)
    {
        var builder = new System.Text.StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(pascal[i]));
        }

        return builder.ToString();
    }

    private static int SignalOrder(string signal)
    {
        for (var i = 0; i < SignalNames.All.Count; i++)
        {
            if (SignalNames.All[i] == signal)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static float Clamp(float value) => float.IsNaN(value) ? 0f : Math.Clamp(value, 0f, 1f);

    private static double Round(float value) => Math.Round((double)Clamp(value), 4, MidpointRounding.AwayFromZero);
}
