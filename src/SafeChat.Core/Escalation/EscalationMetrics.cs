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

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _escalations;
    private readonly Counter<long> _handlerFailures;

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

        _escalations = _meter.CreateCounter<long>(EscalationsName, "{escalation}", "Escalations offered to the dispatcher, by outcome (accepted or dropped).");
        _handlerFailures = _meter.CreateCounter<long>(HandlerFailuresName, "{failure}", "Escalations a handler did not complete: exception, timeout, queue_full or shutdown.");
    }

    public void Accepted(EscalationEvent escalation) => Escalation(escalation, "accepted", null);

    public void Dropped(EscalationEvent escalation, string reason) => Escalation(escalation, "dropped", reason);

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
