using System.Diagnostics.Metrics;
using SafeChat.Core.Tests.Support;
using SafeChat.Engine;
using SafeChat.Scoring;
using SafeChat.Testing;
using static SafeChat.Core.Tests.Support.EngineTestKit;

namespace SafeChat.Core.Tests.Engine;

public class SafeChatMetricsTests
{
    [Fact]
    public async Task ProcessAsync_ScoresAndAlerts_AreCountedWithoutIdsInTags()
    {
        using var factory = new TestMeterFactory();
        var measurements = new List<(string Instrument, long Value, KeyValuePair<string, object?>[] Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (factory.Meters.Contains(instrument.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, tags.ToArray()));
            }
        });
        listener.Start();

        var engine = new SafeChatEngine(new MarkerScorer(), meterFactory: factory);
        var groomer = Adult("secret-user-id");
        foreach (var (id, text) in new[] { ("m0", "[age_probe]"), ("m1", "[flattery]"), ("m2", "[secrecy]"), ("m3", "[meeting]"), ("m3", "[meeting]") })
        {
            await engine.ProcessAsync(Message("secret-room-id", id, groomer, text, Child("kid")));
        }

        Assert.Equal("SafeChat", Assert.Single(factory.Meters).Name);
        Assert.Equal(4, measurements.Count(m => m.Instrument == "safechat.messages.scored"));
        Assert.Equal(1, measurements.Count(m => m.Instrument == "safechat.messages.duplicate"));
        var alert = Assert.Single(measurements, m => m.Instrument == "safechat.alerts");
        Assert.Equal(new KeyValuePair<string, object?>("harm", HarmNames.Grooming), Assert.Single(alert.Tags));
        Assert.DoesNotContain(measurements.SelectMany(m => m.Tags), tag => tag.Value is string s && s.StartsWith("secret", StringComparison.Ordinal));
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        public List<Meter> Meters { get; } = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            Meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in Meters)
            {
                meter.Dispose();
            }
        }
    }
}
