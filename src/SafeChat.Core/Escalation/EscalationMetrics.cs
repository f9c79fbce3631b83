using System.Diagnostics;
using System.Diagnostics.Metrics;
using SafeChat.Policies;

namespace SafeChat.Escalation;

/// <summary>
/// The dispatcher's instruments on the "SafeChat" meter. Tags carry only low-cardinality names (severity, outcome,
/// reason, handler name), never ids or text.
/// </summary>
internal sealed class EscalationMetrics : IDisposable
{
    public const string MeterName = "SafeChat";
    public const string EscalationsName = "safechat.escalations";
    public const string HandlerFailuresName = "safechat.escalations.handler_failures";
    public const string DeliveriesName = "safechat.escalations.deliveries";
    public const string DeadLettersName = "safechat.escalations.dead_letters";
    public const string StoreErrorsName = "safechat.escalations.store_errors";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _escalations;
    private readonly Counter<long> _handlerFailures;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _storeErrors;

    public EscalationMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(new MeterOptions(MeterName));
        }

        _escalations = _meter.CreateCounter<long>(EscalationsName, "{escalation}", "Escalations offered to the dispatcher, by outcome (accepted, duplicate or dropped).");
        _handlerFailures = _meter.CreateCounter<long>(HandlerFailuresName, "{failure}", "Handler attempts that did not complete: exception, refused, timeout or shutdown.");
        _deliveries = _meter.CreateCounter<long>(DeliveriesName, "{attempt}", "Delivery attempts per handler, by outcome (delivered, retry, dead_letter).");
        _deadLetters = _meter.CreateCounter<long>(DeadLettersName, "{escalation}", "Escalations a handler gave up on (a permanent failure or too many attempts).");
        _storeErrors = _meter.CreateCounter<long>(StoreErrorsName, "{error}", "Escalation store operations that failed (for example the outbox file could not be written).");
    }

    public void Accepted(EscalationEvent escalation) => Escalation(escalation, "accepted", null);

    public void Duplicate(EscalationEvent escalation) => Escalation(escalation, "duplicate", null);

    public void Dropped(EscalationEvent escalation, string reason) => Escalation(escalation, "dropped", reason);

    public void Delivery(string handler, string outcome, string status)
    {
        if (_deliveries.Enabled)
        {
            _deliveries.Add(1, new TagList { { "handler", handler }, { "outcome", outcome }, { "status", status } });
        }
    }

    public void DeadLetter(string handler, string status)
    {
        if (_deadLetters.Enabled)
        {
            _deadLetters.Add(1, new TagList { { "handler", handler }, { "status", status } });
        }
    }

    public void StoreError(string operation) => _storeErrors.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void HandlerFailed(string handler, EscalationEvent escalation, string reason)
    {
        if (!_handlerFailures.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "handler", handler },
            { "reason", reason },
            { "severity", SeverityTag(escalation.Severity) },
        };
        _handlerFailures.Add(1, tags);
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    internal static string SeverityTag(Severity severity) => severity switch
    {
        Severity.Low => "low",
        Severity.Medium => "medium",
        Severity.High => "high",
        Severity.Critical => "critical",
        _ => "unknown",
    };

    private void Escalation(EscalationEvent escalation, string outcome, string? reason)
    {
        if (!_escalations.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "outcome", outcome },
            { "severity", SeverityTag(escalation.Severity) },
            { "shadow", escalation.Shadow },
        };
        if (reason is not null)
        {
            tags.Add("reason", reason);
        }

        _escalations.Add(1, tags);
    }
}
