using System.Collections.Concurrent;
using SafeChat.Escalation;

namespace SafeChat.Server.Tests.Support;

/// <summary>An escalation handler that remembers what it was handed (shared across simulated nodes).</summary>
public sealed class CountingHandler(ConcurrentBag<EscalationEvent> sink) : IEscalationHandler
{
    public string Name => "counting";

    public ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
    {
        sink.Add(escalation);
        return default;
    }
}
