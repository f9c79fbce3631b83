using System.Diagnostics.Metrics;

namespace SafeChat.Engine;

/// <summary>The engine's instruments on the "SafeChat" meter. Tags never carry ids or text.</summary>
internal sealed class SafeChatMetrics
{
    /// <summary>The meter name hosts subscribe to.</summary>
    public const string MeterName = "SafeChat";

    private static readonly Lazy<Meter> SharedMeter = new(() => new Meter(MeterName, typeof(SafeChatMetrics).Assembly.GetName().Version?.ToString()));

    private readonly Counter<long> _messagesScored;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _alerts;
    private readonly Counter<long> _knownImages;

    public SafeChatMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? SharedMeter.Value;
        _messagesScored = meter.CreateCounter<long>("safechat.messages.scored", "{message}", "Messages scored by the engine.");
        _duplicates = meter.CreateCounter<long>("safechat.messages.duplicate", "{message}", "Messages dropped as duplicates of an already processed message id.");
        _knownImages = meter.CreateCounter<long>("safechat.images.known_matched", "{message}", "Messages with an image attachment found on a known-image hash list.");
        _alerts = meter.CreateCounter<long>("safechat.alerts", "{alert}", "Conversations that raised their first alert, by the harm that crossed its threshold.");
    }

    public void MessageScored() => _messagesScored.Add(1);

    public void DuplicateDropped() => _duplicates.Add(1);

    public void KnownImageMatched() => _knownImages.Add(1);

    public void AlertRaised(string harm)
    {
        if (_alerts.Enabled)
        {
            _alerts.Add(1, new KeyValuePair<string, object?>("harm", harm));
        }
    }
}
