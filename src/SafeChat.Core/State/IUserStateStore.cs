using SafeChat.Policies;

namespace SafeChat.State;

/// <summary>
/// Keeps per-user state across conversations (who a user has been messaging) and turns it into
/// <see cref="UserCounters"/>. Implementations must be thread-safe and keep memory bounded.
/// </summary>
public interface IUserStateStore
{
    /// <summary>Records that a user sent a message and returns the user's counters including it.</summary>
    /// <param name="activity">Who sent a message where, to which minors, and when.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<UserCounters> RecordMessageAsync(UserActivity activity, CancellationToken cancellationToken = default);

    /// <summary>Returns a user's counters at <paramref name="at"/> without recording anything.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="at">The moment the counters' sliding windows end.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<UserCounters> GetCountersAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken = default);
}
