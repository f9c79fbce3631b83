using System.Diagnostics.Metrics;

namespace SafeChat.Server.Diagnostics;

/// <summary>The server's instruments on the "SafeChat" meter. Tags carry outcomes, rules and severities, never ids or text.</summary>
internal sealed class SafeChatServerMetrics
{
    public const string MeterName = "SafeChat";

    private readonly Counter<long> _messages;
    private readonly Counter<long> _joins;
    private readonly Counter<long> _stateFailures;
    private readonly Counter<long> _escalationsRecorded;
    private readonly Counter<long> _reviews;

    public SafeChatServerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(new MeterOptions(MeterName));
        _messages = meter.CreateCounter<long>("safechat.server.messages", "{message}", "Chat messages moderated by the server, by outcome.");
        _joins = meter.CreateCounter<long>("safechat.server.joins", "{join}", "Room joins moderated by the server, by outcome.");
        _stateFailures = meter.CreateCounter<long>("safechat.server.state_failures", "{operation}", "Moderations that could not reach the state backend, by the failure mode applied.");
        _escalationsRecorded = meter.CreateCounter<long>("safechat.server.escalations.recorded", "{escalation}", "Escalations recorded in the moderation queue (first time only), by rule and severity.");
        _reviews = meter.CreateCounter<long>("safechat.server.reviews", "{review}", "Reviewer decisions and appeals recorded through the moderation API, by outcome.");
    }

    public void Message(string outcome) => _messages.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Join(string outcome) => _joins.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void StateFailure(string mode) => _stateFailures.Add(1, new KeyValuePair<string, object?>("mode", mode));

    public void EscalationRecorded(string ruleId, string severity)
    {
        if (_escalationsRecorded.Enabled)
        {
            _escalationsRecorded.Add(1, new KeyValuePair<string, object?>("rule", ruleId), new KeyValuePair<string, object?>("severity", severity));
        }
    }

    public void Review(string outcome) => _reviews.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
