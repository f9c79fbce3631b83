using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SafeChat.Webhooks;

/// <summary>Webhook delivery instruments on the "SafeChat" meter. Tags: outcome and a status class only.</summary>
internal sealed class WebhookMetrics : IDisposable
{
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _workerErrors;

    public WebhookMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(new MeterOptions("SafeChat")) ?? (_ownedMeter = new Meter("SafeChat"));
        _attempts = meter.CreateCounter<long>("safechat.webhooks.deliveries", "{attempt}", "Webhook delivery attempts, by outcome (delivered, retry, dead_letter).");
        _deadLetters = meter.CreateCounter<long>("safechat.webhooks.dead_letters", "{escalation}", "Escalations the webhook gave up on.");
        _workerErrors = meter.CreateCounter<long>("safechat.webhooks.worker_errors", "{error}", "Delivery loop errors (for example the outbox file could not be read).");
    }

    public void Attempt(string outcome, string status)
    {
        if (_attempts.Enabled)
        {
            _attempts.Add(1, new TagList { { "outcome", outcome }, { "status", status } });
        }
    }

    public void DeadLetter(string status) => _deadLetters.Add(1, new KeyValuePair<string, object?>("status", status));

    public void WorkerError() => _workerErrors.Add(1);

    public void Dispose() => _ownedMeter?.Dispose();
}
