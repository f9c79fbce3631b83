using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SafeChat.Escalation;
using SafeChat.Webhooks;

namespace SafeChat.Server;

/// <summary>Adds signed escalation webhooks with a durable SQLite outbox to the SafeChat server.</summary>
public static class SafeChatWebhookBuilderExtensions
{
    /// <summary>
    /// Makes the SQLite file at <paramref name="outboxPath"/> the escalation store (so an accepted escalation survives a
    /// crash and is resumed at the next start) and registers the webhook escalation handler, which the dispatcher feeds
    /// from that outbox and retries (<c>SafeChatServerOptions.Dispatcher</c>). A receiver that is down never slows chat:
    /// escalations wait in the outbox and are delivered when it is back.
    /// </summary>
    public static ISafeChatServerBuilder AddWebhooks(this ISafeChatServerBuilder builder, string outboxPath, Action<WebhookOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(outboxPath);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<WebhookOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton(sp => new SqliteOutbox(outboxPath, timeProvider: sp.GetRequiredService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IEscalationStore>(sp => sp.GetRequiredService<SqliteOutbox>()));
        services.AddSingleton<IEscalationHandler>(sp => new WebhookEscalationHandler(
            sp.GetRequiredService<IOptions<WebhookOptions>>().Value,
            timeProvider: sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<EscalationDispatcherStarter>();
        return builder;
    }

    private sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
    {
        public ValidateOptionsResult Validate(string? name, WebhookOptions options)
        {
            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail(ex.Message);
            }
        }
    }

    // Builds the dispatcher when the host starts, so that it resumes what the outbox still owes the handlers.
    private sealed class EscalationDispatcherStarter(EscalationDispatcher dispatcher) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            dispatcher.Wake();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
