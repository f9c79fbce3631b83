namespace SafeChat.Escalation;

/// <summary>TimeProvider-driven delays and timeouts on both net10.0 and netstandard2.1.</summary>
internal static class TimeProviderCompat
{
    public static Task Delay(TimeProvider timeProvider, TimeSpan delay, CancellationToken cancellationToken)
    {
#if NET
        return Task.Delay(delay, timeProvider, cancellationToken);
#else
        return timeProvider.Delay(delay, cancellationToken);
#endif
    }

    public static CancellationTokenSource CreateTimeoutSource(TimeProvider timeProvider, TimeSpan timeout)
    {
#if NET
        return new CancellationTokenSource(timeout, timeProvider);
#else
        return timeProvider.CreateCancellationTokenSource(timeout);
#endif
    }
}
