using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace SafeChat.Server.Tests.Support;

/// <summary>
/// Sends through the test hub where strict-minors may hold the sender after a grooming escalation: returns "delivered"
/// (the hub method's reply) or "held" (SafeChat held it, as the preset does from the escalation on).
/// </summary>
internal static class HeldAware
{
    public static async Task<string> SendAsync(HubConnection connection, string roomId, string text)
    {
        try
        {
            return await connection.InvokeAsync<string>("Send", roomId, text);
        }
        catch (HubException ex) when (ex.Message.Contains("safechat:held [held-sender-to-minor]", StringComparison.Ordinal))
        {
            return "held";
        }
    }

    /// <summary>Sends every line; asserts that once one is held, every later one is held too. Returns the outcomes.</summary>
    public static async Task<List<string>> SendAllAsync(IEnumerable<(HubConnection Connection, string Text)> lines, string roomId)
    {
        var outcomes = new List<string>();
        foreach (var (connection, text) in lines)
        {
            var outcome = await SendAsync(connection, roomId, text);
            if (outcomes.Contains("held"))
            {
                Assert.Equal("held", outcome);
            }

            outcomes.Add(outcome.StartsWith("delivered", StringComparison.Ordinal) ? "delivered" : outcome);
        }

        return outcomes;
    }
}
