using System.Globalization;
using SafeChat.Escalation;
using SafeChat.Policies;
using SafeChat.Webhooks;

// Usage: SafeChat.Webhooks.KillTarget <outbox.db> <count> <webhook endpoint>
// Opens the SQLite outbox, dispatches <count> escalations (conversations room-0 .. room-<count-1>) with the webhook
// handler registered, prints "accepted <count>" once every DispatchAsync has returned, then blocks until killed.
if (args.Length != 3 || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
{
    await Console.Error.WriteLineAsync("usage: SafeChat.Webhooks.KillTarget <outbox.db> <count> <webhook endpoint>");
    return 2;
}

var outbox = new SqliteOutbox(args[0]);
var webhook = new WebhookEscalationHandler(new WebhookOptions { Endpoint = new Uri(args[2]), Secret = "kill-test-secret-0123456789" });
var dispatcher = new EscalationDispatcher(outbox, [webhook]);
var raisedAt = DateTimeOffset.UtcNow;
var accepted = 0;
for (var i = 0; i < count; i++)
{
    var conversation = "room-" + i.ToString(CultureInfo.InvariantCulture);
    var escalation = new EscalationEvent(
        EscalationEvents.CreateIdempotencyKey("grooming-escalate", conversation, "adult-1"), "grooming-escalate", Severity.High, conversation, "adult-1", raisedAt);
    if (await dispatcher.DispatchAsync(escalation))
    {
        accepted++;
    }
}

Console.WriteLine("accepted " + accepted.ToString(CultureInfo.InvariantCulture));
await Console.Out.FlushAsync();
await Task.Delay(Timeout.Infinite);
GC.KeepAlive(dispatcher);
return 0;
