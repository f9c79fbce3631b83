using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using SafeChat.Server;

namespace SafeChat.Samples.ChatServer;

/// <summary>
/// Pushes queue changes to moderator consoles: "escalation" when one is raised, "activity" when a room with messages
/// moves on, "case" after a reviewer action. Moderators only.
/// </summary>
[Authorize(Policy = SafeChatServerOptions.ModeratorPolicyName)]
internal sealed class ModeratorHub : Hub
{
    public const string Group = "moderators";

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, Group);
        await base.OnConnectedAsync();
    }
}
