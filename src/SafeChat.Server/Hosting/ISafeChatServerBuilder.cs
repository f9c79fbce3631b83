using Microsoft.Extensions.DependencyInjection;

namespace SafeChat.Server;

/// <summary>Returned by <c>AddSafeChatServer</c> to add backends (Redis, webhooks) to the SafeChat server.</summary>
public interface ISafeChatServerBuilder
{
    /// <summary>The host's services.</summary>
    IServiceCollection Services { get; }
}

internal sealed class SafeChatServerBuilder(IServiceCollection services) : ISafeChatServerBuilder
{
    public IServiceCollection Services { get; } = services;
}

/// <summary>Registered by <c>AddSafeChatServer</c> so <c>UseSafeChat</c> can tell that it ran.</summary>
internal sealed class SafeChatServerMarker;
