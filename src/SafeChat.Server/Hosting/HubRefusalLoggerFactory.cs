using System.Reflection;
using Microsoft.Extensions.Logging;
using SafeChat.Server.Hubs;

namespace SafeChat.Server.Hosting;

/// <summary>
/// Wraps the host's <see cref="ILoggerFactory"/> so that SignalR's own "Failed to invoke hub method" error (logged with a
/// stack trace for every exception a hub method throws) is dropped when the exception is a <see cref="SafeChatHubException"/>:
/// a refused message or join is an expected outcome, not a failure. The hub filter logs each refusal itself, as one
/// Information line without ids or text. Every other entry, and every other exception, passes through unchanged.
/// </summary>
internal sealed class HubRefusalLoggerFactory : ILoggerFactory
{
    private const string SignalRCategoryPrefix = "Microsoft.AspNetCore.SignalR";
    private readonly ILoggerFactory _inner;
    private readonly bool _ownsInner;

    public HubRefusalLoggerFactory(ILoggerFactory inner, bool ownsInner)
    {
        _inner = inner;
        _ownsInner = ownsInner;
    }

    public ILogger CreateLogger(string categoryName)
    {
        var logger = _inner.CreateLogger(categoryName);
        return categoryName.StartsWith(SignalRCategoryPrefix, StringComparison.Ordinal) ? new RefusalFilteringLogger(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => _inner.AddProvider(provider);

    public void Dispose()
    {
        if (_ownsInner)
        {
            _inner.Dispose();
        }
    }

    internal static bool IsRefusal(Exception? exception) => exception switch
    {
        SafeChatHubException => true,
        TargetInvocationException { InnerException: SafeChatHubException } => true,
        AggregateException { InnerExceptions: [SafeChatHubException] } => true,
        _ => false,
    };

    private sealed class RefusalFilteringLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsRefusal(exception))
            {
                return;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
