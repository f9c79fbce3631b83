namespace SafeChat.Server.Moderation;

/// <summary>The default <see cref="IConversationFreezeStore"/> for one node: process memory. Thread-safe.</summary>
public sealed class InMemoryConversationFreezeStore : IConversationFreezeStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _frozen = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask FreezeAsync(string conversationId, string ruleId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentException.ThrowIfNullOrEmpty(ruleId);
        _frozen.TryAdd(conversationId, ruleId);
        return default;
    }

    /// <inheritdoc />
    public ValueTask<string?> GetFreezeAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return ValueTask.FromResult(_frozen.TryGetValue(conversationId, out var rule) ? rule : null);
    }

    /// <inheritdoc />
    public ValueTask<bool> UnfreezeAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return ValueTask.FromResult(_frozen.TryRemove(conversationId, out _));
    }
}
