namespace SafeChat.Retention;

/// <summary>A store whose expired records can be purged.</summary>
public interface IRetentionTarget
{
    /// <summary>A short name for metrics (for example <c>outbox</c> or <c>evidence</c>).</summary>
    string RetentionName { get; }

    /// <summary>Purges what has expired as of the store's clock; returns how many records were purged.</summary>
    ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken = default);
}
