using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using SafeChat.Engine;
using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Cli;

/// <summary>
/// Accumulates the engine's evaluations of one conversation into the public output line
/// <c>{"id","flagged","risk","harms","first_alert_index","flagged_authors","room","signals","decisions","language"}</c> (see README). Ids and
/// names are written with control and bidi characters escaped (<see cref="OutputText"/>).
/// </summary>
internal sealed class ConversationResult(string id, SafeChatEngine engine, float signalThreshold)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // Per-harm maxima aligned with HarmNames.All; a harm outside it (a custom scorer's) goes to _extraHarms. The other
    // collections are created on first use: most conversations have no signal over the threshold and no decision.
    private readonly float[] _harms = new float[HarmNames.All.Count];
    private Dictionary<string, float>? _extraHarms;
    private List<string>? _flaggedAuthors;
    private HashSet<string>? _flaggedAuthorSet;
    private Dictionary<(string Author, string Signal), SignalEvidence>? _signals;
    private List<(Decision Decision, int Index)>? _decisions;
    private HashSet<(string Rule, PolicyAction Action, bool Shadow)>? _decisionKeys;
    // Created at the first room-level risk (most conversations have none).
    private Dictionary<string, float>? _roomHarms;
    private List<string>? _roomAuthors;
    private string? _roomTarget;
    private float _roomMax;
    private float _risk;

    /// <summary>The conversation's language as <see cref="LanguageGuess"/> reads it (reported only).</summary>
    public string Language { get; init; } = LanguageGuess.Undetermined;
    private int? _firstAlertIndex;

    // One JSON writer per thread, reset onto each output buffer (a writer per line was a third of the output's allocations).
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    // The engine's alert threshold of each harm of HarmNames.All, made once per engine (not looked up per author and message).
    private float[]? _thresholds;

    private static EngineThresholds? s_thresholds;

    private static float[] ThresholdsOf(SafeChatEngine engine)
    {
        if (s_thresholds is { } known && ReferenceEquals(known.Engine, engine))
        {
            return known.Values;
        }

        var values = new float[HarmNames.All.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = engine.AlertThresholdFor(HarmNames.All[i]);
        }

        s_thresholds = new EngineThresholds(engine, values);
        return values;
    }

    private sealed record EngineThresholds(SafeChatEngine Engine, float[] Values);

    public void Add(MessageEvaluation evaluation)
    {
        var assessment = evaluation.Assessment;
        _risk = Math.Max(_risk, Clamp(assessment.Risk));
        AddHarms(assessment.Harms);
        _firstAlertIndex ??= evaluation.FirstAlertIndex;
        if (assessment.Room is { } room)
        {
            // The strongest room-level risk seen; its target and every contributing author so far.
            var roomHarms = _roomHarms ??= new Dictionary<string, float>(StringComparer.Ordinal);
            var roomAuthors = _roomAuthors ??= [];
            // _roomMax is the largest of roomHarms' values (0 while it is empty): they only grow, and are at least 0.
            if (_roomTarget is null || room.Risk > _roomMax)
            {
                _roomTarget = room.TargetId;
            }

            foreach (var harm in room.Harms)
            {
                var value = Math.Max(roomHarms.GetValueOrDefault(harm.Key), Clamp(harm.Value));
                roomHarms[harm.Key] = value;
                _roomMax = Math.Max(_roomMax, value);
            }

            foreach (var author in room.ContributingAuthors)
            {
                if (!roomAuthors.Contains(author))
                {
                    roomAuthors.Add(author);
                }
            }
        }

        var authors = assessment.Authors;
        for (var a = 0; a < authors.Count; a++)
        {
            var author = authors[a];
            if (IsKnownQuiet(author))
            {
                // The same (immutable) record was below every threshold at an earlier message: it still is.
                continue;
            }

            if (_flaggedAuthorSet is not null && _flaggedAuthorSet.Contains(author.AuthorId))
            {
                continue;
            }

            if (ReachesThreshold(author))
            {
                (_flaggedAuthorSet ??= new HashSet<string>(StringComparer.Ordinal)).Add(author.AuthorId);
                (_flaggedAuthors ??= []).Add(author.AuthorId);
            }
            else
            {
                RememberQuiet(author);
            }
        }

        var signals = assessment.Signals;
        for (var e = 0; e < signals.Count; e++)
        {
            var evidence = signals[e];
            if (evidence.Probability < signalThreshold)
            {
                continue;
            }

            var key = (evidence.AuthorId, evidence.Signal);
            _signals ??= [];
            if (!_signals.TryGetValue(key, out var existing) || evidence.Probability > existing.Probability)
            {
                _signals[key] = evidence;
            }
        }

        foreach (var decision in evaluation.Decisions)
        {
            if ((_decisionKeys ??= []).Add((decision.RuleId, decision.Action, decision.Shadow)))
            {
                (_decisions ??= []).Add((decision, evaluation.MessageIndex));
            }
        }
    }

    // The last few author records found below every threshold (the scorer hands the same record out again for an author
    // whose values did not change, so most authors of a message are checked by reference only).
    private AuthorRisk? _quiet0;
    private AuthorRisk? _quiet1;
    private AuthorRisk? _quiet2;
    private AuthorRisk? _quiet3;
    private int _nextQuiet;

    private bool IsKnownQuiet(AuthorRisk author) =>
        ReferenceEquals(author, _quiet0) || ReferenceEquals(author, _quiet1) || ReferenceEquals(author, _quiet2) || ReferenceEquals(author, _quiet3);

    private void RememberQuiet(AuthorRisk author)
    {
        switch (_nextQuiet)
        {
            case 0: _quiet0 = author; break;
            case 1: _quiet1 = author; break;
            case 2: _quiet2 = author; break;
            default: _quiet3 = author; break;
        }

        _nextQuiet = (_nextQuiet + 1) & 3;
    }

    private void AddHarms(IReadOnlyDictionary<string, float> harms)
    {
        // The usual case, every harm of HarmNames.All and nothing else, by index: no enumerator per message.
        var all = HarmNames.All;
        if (harms is Inference.Features.HarmValues indexed && indexed.Count == all.Count)
        {
            // The scorer's harms, already in HarmNames.All order: no lookup by name either.
            var values = indexed.Span;
            for (var i = 0; i < values.Length; i++)
            {
                _harms[i] = Math.Max(_harms[i], Clamp(values[i]));
            }

            return;
        }

        if (harms.Count == all.Count)
        {
            var found = 0;
            for (var i = 0; i < all.Count; i++)
            {
                if (harms.TryGetValue(all[i], out var value))
                {
                    _harms[i] = Math.Max(_harms[i], Clamp(value));
                    found++;
                }
            }

            if (found == all.Count)
            {
                return;
            }
        }

        foreach (var harm in harms)
        {
            var index = IndexOfHarm(harm.Key);
            if (index >= 0)
            {
                _harms[index] = Math.Max(_harms[index], Clamp(harm.Value));
            }
            else
            {
                _extraHarms ??= new Dictionary<string, float>(StringComparer.Ordinal);
                _extraHarms[harm.Key] = Math.Max(_extraHarms.GetValueOrDefault(harm.Key), Clamp(harm.Value));
            }
        }
    }

    private static int IndexOfHarm(string harm)
    {
        for (var i = 0; i < HarmNames.All.Count; i++)
        {
            if (string.Equals(HarmNames.All[i], harm, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private bool ReachesThreshold(AuthorRisk author)
    {
        var harms = author.Harms;
        var all = HarmNames.All;
        if (harms is Inference.Features.HarmValues indexed && indexed.Count == all.Count)
        {
            var values = indexed.Span;
            var thresholds = _thresholds ??= ThresholdsOf(engine);
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] >= thresholds[i])
                {
                    return true;
                }
            }

            return false;
        }

        if (harms.Count == all.Count)
        {
            var found = 0;
            for (var i = 0; i < all.Count; i++)
            {
                if (harms.TryGetValue(all[i], out var value))
                {
                    if (value >= engine.AlertThresholdFor(all[i]))
                    {
                        return true;
                    }

                    found++;
                }
            }

            if (found == all.Count)
            {
                return false;
            }
        }

        foreach (var harm in harms)
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
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        try
        {
            Write(writer);
            writer.Flush();
        }
        finally
        {
            writer.Reset(Stream.Null);
        }
    }

    private void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        OutputText.WriteString(writer, Names.Id, id);
        writer.WriteBoolean(Names.Flagged, _firstAlertIndex is not null);
        WriteRounded(writer, Names.Risk, _risk);
        writer.WriteStartObject(Names.Harms);
        for (var i = 0; i < HarmNames.All.Count; i++)
        {
            WriteRounded(writer, Names.HarmNames[i], _harms[i]);
        }

        if (_extraHarms is not null)
        {
            foreach (var harm in _extraHarms.Keys.Order(StringComparer.Ordinal))
            {
                writer.WriteNumber(harm, Round(_extraHarms[harm]));
            }
        }

        writer.WriteEndObject();
        if (_firstAlertIndex is { } first)
        {
            writer.WriteNumber(Names.FirstAlertIndex, first);
        }
        else
        {
            writer.WriteNull(Names.FirstAlertIndex);
        }

        writer.WriteStartArray(Names.FlaggedAuthors);
        foreach (var author in _flaggedAuthors ?? [])
        {
            OutputText.WriteStringValue(writer, author);
        }

        writer.WriteEndArray();
        WriteRoom(writer);
        writer.WriteStartArray(Names.Signals);
        foreach (var evidence in _signals is null ? Enumerable.Empty<SignalEvidence>() : _signals.Values.OrderBy(e => e.MessageIndex).ThenBy(e => SignalOrder(e.Signal)).ThenBy(e => e.AuthorId, StringComparer.Ordinal))
        {
            writer.WriteStartObject();
            OutputText.WriteString(writer, "signal", evidence.Signal);
            OutputText.WriteString(writer, "harm", evidence.Harm);
            OutputText.WriteString(writer, "author", evidence.AuthorId);
            writer.WriteNumber("message_index", evidence.MessageIndex);
            WriteRounded(writer, Names.Probability, evidence.Probability);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray(Names.Decisions);
        foreach (var (decision, index) in _decisions ?? [])
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
        writer.WriteString(Names.Language, Language);
        writer.WriteEndObject();
    }

    /// <summary>
    /// <c>"room"</c>: null, or the room-level risk (rooms of at least three participants with a target):
    /// <c>{"target","harms":{livestream_coercion, grooming},"contributing_authors":[...]}</c>.
    /// </summary>
    private void WriteRoom(Utf8JsonWriter writer)
    {
        if (_roomTarget is null)
        {
            writer.WriteNull(Names.Room);
            return;
        }

        writer.WriteStartObject("room");
        OutputText.WriteString(writer, "target", _roomTarget);
        writer.WriteStartObject("harms");
        foreach (var harm in RoomRisk.RoomHarms)
        {
            writer.WriteNumber(harm, Round(_roomHarms!.GetValueOrDefault(harm)));
        }

        writer.WriteEndObject();
        writer.WriteStartArray("contributing_authors");
        foreach (var author in _roomAuthors!)
        {
            OutputText.WriteStringValue(writer, author);
        }

        writer.WriteEndArray();
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

    /// <summary>
    /// Writes <see cref="Round"/> of <paramref name="value"/> as <see cref="Utf8JsonWriter.WriteNumber(JsonEncodedText, double)"/>
    /// does, without its general double formatting: strictly between 0 and 1, a value rounded to four decimals is k / 10⁴
    /// (the nearest double to it), whose shortest round-trip form (what the writer prints) is those decimals without
    /// trailing zeros, never an exponent (it is at least 10⁻⁴). Anything else (0, -0, 1) goes through the writer.
    /// </summary>
    internal static void WriteRounded(Utf8JsonWriter writer, JsonEncodedText name, float value)
    {
        var rounded = Round(value);
        if (!(rounded > 0 && rounded < 1))
        {
            writer.WriteNumber(name, rounded);
            return;
        }

        var units = (int)Math.Round(rounded * 10000d);
        Span<byte> text = stackalloc byte[6];
        text[0] = (byte)'0';
        text[1] = (byte)'.';
        text[2] = (byte)('0' + (units / 1000));
        text[3] = (byte)('0' + (units / 100 % 10));
        text[4] = (byte)('0' + (units / 10 % 10));
        text[5] = (byte)('0' + (units % 10));
        var length = 6;
        while (text[length - 1] == (byte)'0')
        {
            length--;
        }

        writer.WritePropertyName(name);
        writer.WriteRawValue(text[..length], skipInputValidation: true);
    }

    // The output's property names, encoded once (with the writer's encoder: the same bytes it writes for the strings).
    private static class Names
    {
        public static readonly JsonEncodedText Id = Encode("id");
        public static readonly JsonEncodedText Flagged = Encode("flagged");
        public static readonly JsonEncodedText Risk = Encode("risk");
        public static readonly JsonEncodedText Harms = Encode("harms");
        public static readonly JsonEncodedText FirstAlertIndex = Encode("first_alert_index");
        public static readonly JsonEncodedText FlaggedAuthors = Encode("flagged_authors");
        public static readonly JsonEncodedText Room = Encode("room");
        public static readonly JsonEncodedText Signals = Encode("signals");
        public static readonly JsonEncodedText Probability = Encode("probability");
        public static readonly JsonEncodedText Decisions = Encode("decisions");
        public static readonly JsonEncodedText Language = Encode("language");
        public static readonly JsonEncodedText[] HarmNames = [.. SafeChat.Scoring.HarmNames.All.Select(Encode)];

        private static JsonEncodedText Encode(string name) => JsonEncodedText.Encode(name, WriterOptions.Encoder);
    }
}
