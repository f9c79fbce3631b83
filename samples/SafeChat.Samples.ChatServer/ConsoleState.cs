namespace SafeChat.Samples.ChatServer;

/// <summary>
/// What the moderator console adds on top of SafeChat's moderation API: the access log of case views (who saw message
/// text, when), ban recommendations and built reports. In memory for the sample; a platform keeps these in its own stores.
/// </summary>
internal sealed class ConsoleState
{
    private readonly object _gate = new();
    private readonly List<AccessLogEntry> _access = [];
    private readonly Dictionary<string, (string By, DateTimeOffset At)> _bans = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Sequence, DateTimeOffset? HoldUntil)> _reports = new(StringComparer.Ordinal);

    public void RecordView(AccessLogEntry entry)
    {
        lock (_gate)
        {
            _access.Add(entry);
        }
    }

    public IReadOnlyList<AccessLogEntry> AccessLog()
    {
        lock (_gate)
        {
            return [.. _access];
        }
    }

    public void RecommendBan(string escalationId, string by, DateTimeOffset at)
    {
        lock (_gate)
        {
            _bans.TryAdd(escalationId, (by, at));
        }
    }

    public (string By, DateTimeOffset At)? Ban(string escalationId)
    {
        lock (_gate)
        {
            return _bans.TryGetValue(escalationId, out var ban) ? ban : null;
        }
    }

    public void Reported(string escalationId, long sequence, DateTimeOffset? holdUntil)
    {
        lock (_gate)
        {
            _reports[escalationId] = (sequence, holdUntil);
        }
    }

    public (long Sequence, DateTimeOffset? HoldUntil)? Report(string escalationId)
    {
        lock (_gate)
        {
            return _reports.TryGetValue(escalationId, out var report) ? report : null;
        }
    }
}
