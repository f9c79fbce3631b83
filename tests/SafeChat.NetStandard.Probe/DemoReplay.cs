using System.Globalization;
using System.Reflection;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using SafeChat.Client;
using SafeChat.Conversations;
using SafeChat.Inference;
using SafeChat.Policies;

namespace SafeChat.NetStandard.Probe;

/// <summary>
/// Feeds conversations (the demo JSONL format) through <see cref="SafeChatClient"/> as devices would: every participant
/// has a device; a message is checked as outgoing on its author's device and as incoming on every other device.
/// Compiled into the probe (netstandard2.1 SafeChat builds) and into SafeChat.Client.Tests (net10.0 builds).
/// </summary>
public static class DemoReplay
{
    /// <summary>One line per SafeChat assembly: <c># name: target framework</c> of the loaded build.</summary>
    public static IReadOnlyList<string> DescribeBuilds() =>
    [
        Describe(typeof(PolicyEngine).Assembly),
        Describe(typeof(SafeChatClient).Assembly),
        Describe(typeof(OnnxSafetyScorer).Assembly),
    ];

    /// <summary>Runs every conversation of <paramref name="jsonlPath"/> and returns one canonical JSON line per check.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(string jsonlPath)
    {
        var lines = new List<string>();
        using var scorer = OnnxSafetyScorer.LoadDefault();
        foreach (var json in File.ReadLines(jsonlPath).Where(l => l.Trim().Length > 0))
        {
            using var document = JsonDocument.Parse(json);
            await ReplayAsync(scorer, document.RootElement, lines);
        }

        return lines;
    }

    private static string Describe(Assembly assembly) =>
        $"# {assembly.GetName().Name}: {assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName}";

    private static async Task ReplayAsync(OnnxSafetyScorer scorer, JsonElement root, List<string> lines)
    {
        string conversationId = root.GetProperty("id").GetString()!;
        var roomElement = root.GetProperty("room");
        var room = new Room(
            roomElement.GetProperty("id").GetString()!,
            Enum.Parse<RoomKind>(roomElement.GetProperty("kind").GetString()!, ignoreCase: true));
        var participants = new List<Participant>();
        foreach (var item in root.GetProperty("participants").EnumerateArray())
        {
            int? age = item.TryGetProperty("age", out var ageElement) && ageElement.ValueKind == JsonValueKind.Number ? ageElement.GetInt32() : null;
            participants.Add(new Participant(item.GetProperty("id").GetString()!, Participant.BandForAge(age), age is null ? AgeAssurance.Unknown : AgeAssurance.SelfDeclared));
        }

        var clock = new ReplayClock();
        var devices = participants
            .Select(local => (
                Conversation: new ClientConversation(room, local, participants.Where(p => p != local).ToArray()),
                Client: new SafeChatClient(
                    scorer,
                    new PolicyEngine(PolicyPresets.Load(PolicyPresets.Default), timeProvider: clock),
                    new SafeChatClientOptions { InstallSalt = new byte[32] },
                    reporter: null,
                    timeProvider: clock)))
            .ToArray();

        int index = 0;
        foreach (var item in root.GetProperty("messages").EnumerateArray())
        {
            string author = item.GetProperty("author").GetString()!;
            var time = DateTimeOffset.Parse(item.GetProperty("time").GetString()!, CultureInfo.InvariantCulture);
            clock.Now = time;
            var message = new ChatMessage($"{conversationId}-{index}", room.Id, author, item.GetProperty("text").GetString() ?? string.Empty, time);
            foreach (var (conversation, client) in devices)
            {
                bool outgoing = conversation.LocalUser.Id == author;
                var check = outgoing
                    ? await client.CheckOutgoingAsync(conversation, message)
                    : await client.CheckIncomingAsync(conversation, message);
                lines.Add(Canonical(conversationId, index, conversation.LocalUser.Id, check));
            }

            index++;
        }
    }

    private static string Canonical(string conversationId, int index, string device, ClientCheck check)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("conversation", conversationId);
            writer.WriteNumber("message", index);
            writer.WriteString("device", device);
            writer.WriteString("direction", check.Direction.ToString());
            writer.WriteStartObject("risk");
            foreach (var harm in check.Assessment.Harms.OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                writer.WriteString(harm.Key, Math.Round(harm.Value, 4).ToString("0.0000", CultureInfo.InvariantCulture));
            }

            writer.WriteEndObject();
            writer.WriteStartArray("signals");
            foreach (var signal in check.Signals)
            {
                writer.WriteStringValue(signal);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("decisions");
            foreach (var decision in check.Decisions)
            {
                writer.WriteStringValue($"{decision.RuleId}:{decision.Action}:{decision.Severity}{(decision.Shadow ? ":shadow" : string.Empty)}");
            }

            writer.WriteEndArray();
            writer.WriteNumber("nudges", check.Nudges.Count);
            writer.WriteBoolean("deliver", check.ShouldDeliver);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private sealed class ReplayClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
