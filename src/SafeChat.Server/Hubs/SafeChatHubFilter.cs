using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Server.Diagnostics;
using SafeChat.Server.Moderation;

namespace SafeChat.Server.Hubs;

/// <summary>
/// The SignalR hub filter that moderates every hub method marked <see cref="SafeChatMessageAttribute"/> or
/// <see cref="SafeChatJoinAttribute"/>: it resolves the caller, room and members through the host's
/// <see cref="ISafeChatHubResolver"/>, asks the <see cref="SafeChatModerator"/>, sends nudges, and runs the method only
/// when the message may be delivered or the join is allowed (otherwise it throws a <see cref="SafeChatHubException"/>,
/// which the client receives). Unmarked methods pass straight through. AddSafeChatServer adds it to every hub.
/// A refusal is an expected outcome: it is logged as one Information line (outcome and rule ids, never user ids or text),
/// and AddSafeChatServer keeps SignalR from logging the <see cref="SafeChatHubException"/> as an error with a stack trace.
/// </summary>
public sealed class SafeChatHubFilter : IHubFilter
{
    /// <summary>The key under which the filter stores the latest <see cref="MessageModerationResult"/> in <see cref="HubCallerContext.Items"/>.</summary>
    public const string MessageResultItemKey = "SafeChat.MessageResult";

    private readonly ConcurrentDictionary<MethodInfo, Binding?> _bindings = new();
    private readonly SafeChatModerator _moderator;
    private readonly TimeProvider _timeProvider;
    private readonly SafeChatServerOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the filter.</summary>
    /// <param name="moderator">The moderation step.</param>
    /// <param name="timeProvider">The clock for message times.</param>
    /// <param name="options">The server options.</param>
    /// <param name="logger">Where refusals are logged (Information, no ids or text); none when null.</param>
    public SafeChatHubFilter(SafeChatModerator moderator, TimeProvider timeProvider, IOptions<SafeChatServerOptions> options, ILogger<SafeChatHubFilter>? logger = null)
    {
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _moderator = moderator ?? throw new ArgumentNullException(nameof(moderator));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Value;
    }

    /// <inheritdoc />
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        var binding = _bindings.GetOrAdd(invocationContext.HubMethod, Binding.For);
        if (binding is null)
        {
            return await next(invocationContext).ConfigureAwait(false);
        }

        var cancellationToken = invocationContext.Context.ConnectionAborted;
        var resolver = invocationContext.ServiceProvider.GetService<ISafeChatHubResolver>()
            ?? throw new InvalidOperationException(
                $"The hub method '{invocationContext.HubMethodName}' is marked for SafeChat but no ISafeChatHubResolver is registered. Register one with services.AddSingleton<ISafeChatHubResolver, ...>() or services.AddScoped(...).");
        var arguments = invocationContext.HubMethodArguments;
        if (arguments[binding.RoomIndex] is not string { Length: > 0 } roomId)
        {
            throw Refused(new SafeChatHubException("invalid", [], $"The argument '{binding.RoomParameter}' must be a non-empty room id."), binding.IsJoin);
        }

        var caller = await resolver.ResolveCallerAsync(invocationContext, cancellationToken).ConfigureAwait(false)
            ?? throw Refused(new SafeChatHubException("invalid", [], "The caller is not known to the chat service."), binding.IsJoin);
        var room = await resolver.ResolveRoomAsync(invocationContext, roomId, cancellationToken).ConfigureAwait(false)
            ?? throw Refused(new SafeChatHubException("invalid", [], "The room does not exist."), binding.IsJoin);
        var members = await resolver.ResolveMembersAsync(invocationContext, roomId, cancellationToken).ConfigureAwait(false) ?? [];

        if (binding.IsJoin)
        {
            var join = await _moderator.ModerateJoinAsync(room, caller, members, cancellationToken).ConfigureAwait(false);
            if (!join.Allowed)
            {
                throw Refused(
                    join.Unavailable && join.RuleIds.Count == 0
                        ? new SafeChatHubException("unavailable", [], "The safety check is unavailable; try again shortly.")
                        : new SafeChatHubException("join-denied", join.RuleIds, "You can't join this room."),
                    isJoin: true);
            }

            return await next(invocationContext).ConfigureAwait(false);
        }

        var text = arguments[binding.TextIndex] as string ?? string.Empty;
        var messageId = binding.MessageIdIndex >= 0 && arguments[binding.MessageIdIndex] is string { Length: > 0 } id
            ? id
            : Guid.NewGuid().ToString("N");
        var recipients = members.Where(m => m is not null && !string.Equals(m.Id, caller.Id, StringComparison.Ordinal)).ToList();
        var chatMessage = new ChatMessage(messageId, roomId, caller.Id, text, _timeProvider.GetUtcNow());
        if (binding.ImageIndex >= 0 && arguments[binding.ImageIndex] is byte[] { Length: > 0 } image)
        {
            chatMessage = chatMessage with { HasImage = true, Attachments = [ImageAttachment.FromBytes(image)] };
        }

        var envelope = new MessageEnvelope(chatMessage, room, caller, recipients);
        var result = await _moderator.ModerateMessageAsync(envelope, cancellationToken).ConfigureAwait(false);
        invocationContext.Context.Items[MessageResultItemKey] = result;
        await SendNudgesAsync(invocationContext, result).ConfigureAwait(false);
        if (!result.Deliver)
        {
            throw Refused(SafeChatHubException.ForMessage(result), isJoin: false);
        }

        return await next(invocationContext).ConfigureAwait(false);
    }

    private SafeChatHubException Refused(SafeChatHubException refusal, bool isJoin)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var rules = string.Join(",", refusal.RuleIds);
            if (isJoin)
            {
                Log.JoinRefused(_logger, refusal.Outcome, rules);
            }
            else
            {
                Log.MessageRefused(_logger, refusal.Outcome, rules);
            }
        }

        return refusal;
    }

    private async ValueTask SendNudgesAsync(HubInvocationContext invocationContext, MessageModerationResult result)
    {
        foreach (var nudge in result.Nudges)
        {
            var payload = new { ruleId = nudge.RuleId, text = nudge.Text };
            if (nudge.ToSender)
            {
                await invocationContext.Hub.Clients.Caller.SendAsync(_options.NudgeClientMethod, payload).ConfigureAwait(false);
            }
            else if (nudge.TargetUserIds.Count > 0)
            {
                await invocationContext.Hub.Clients.Users(nudge.TargetUserIds).SendAsync(_options.NudgeClientMethod, payload).ConfigureAwait(false);
            }
        }
    }

    private sealed class Binding
    {
        private Binding(bool isJoin, string roomParameter, int roomIndex, int textIndex, int messageIdIndex, int imageIndex = -1)
        {
            ImageIndex = imageIndex;
            IsJoin = isJoin;
            RoomParameter = roomParameter;
            RoomIndex = roomIndex;
            TextIndex = textIndex;
            MessageIdIndex = messageIdIndex;
        }

        public bool IsJoin { get; }

        public string RoomParameter { get; }

        public int RoomIndex { get; }

        public int TextIndex { get; }

        public int MessageIdIndex { get; }

        public int ImageIndex { get; }

        public static Binding? For(MethodInfo method)
        {
            var message = method.GetCustomAttribute<SafeChatMessageAttribute>(inherit: true);
            var join = method.GetCustomAttribute<SafeChatJoinAttribute>(inherit: true);
            if (message is not null && join is not null)
            {
                throw new InvalidOperationException(
                    $"The hub method '{method.DeclaringType?.Name}.{method.Name}' has both [SafeChatMessage] and [SafeChatJoin]; use one.");
            }

            var parameters = method.GetParameters();
            if (join is not null)
            {
                return new Binding(true, join.RoomParameter, RequireString(method, parameters, join.RoomParameter, "RoomParameter"), -1, -1);
            }

            if (message is null)
            {
                return null;
            }

            return new Binding(
                false,
                message.RoomParameter,
                RequireString(method, parameters, message.RoomParameter, "RoomParameter"),
                RequireString(method, parameters, message.TextParameter, "TextParameter"),
                Array.FindIndex(parameters, p => p.Name == message.MessageIdParameter && p.ParameterType == typeof(string)),
                Array.FindIndex(parameters, p => p.Name == message.ImageParameter && p.ParameterType == typeof(byte[])));
        }

        private static int RequireString(MethodInfo method, ParameterInfo[] parameters, string name, string property)
        {
            var index = Array.FindIndex(parameters, p => p.Name == name);
            if (index < 0 || parameters[index].ParameterType != typeof(string))
            {
                throw new InvalidOperationException(
                    $"The hub method '{method.DeclaringType?.Name}.{method.Name}' is marked for SafeChat but has no string parameter named '{name}' (set the attribute's {property}).");
            }

            return index;
        }
    }
}
