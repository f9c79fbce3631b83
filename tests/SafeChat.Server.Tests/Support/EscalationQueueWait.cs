using SafeChat.Server.Moderation;

namespace SafeChat.Server.Tests.Support;

/// <summary>
/// The moderation queue is one escalation handler among others: the dispatcher records an accepted escalation there
/// on its own loop, just after the message is moderated. Tests wait for the record instead of racing it.
/// </summary>
internal static class EscalationQueueWait
{
    public static async Task<IReadOnlyList<EscalationRecord>> ListAsync(IEscalationQueue queue, int atLeast = 1, int timeoutMs = 10_000)
    {
        var records = await queue.ListAsync(null, 10);
        for (var waited = 0; records.Count < atLeast && waited < timeoutMs; waited += 20)
        {
            await Task.Delay(20);
            records = await queue.ListAsync(null, 10);
        }

        return records;
    }
}
