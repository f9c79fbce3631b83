using System.Diagnostics.Metrics;
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
    /// Registers the webhook escalation handler (it writes each escalation to the SQLite outbox at
    /// <paramref name="outboxPath"/>) and a hosted delivery worker that sends the outbox to
    /// <see cref="WebhookOptions.Endpoint"/> with retries. A receiver that is down never slows chat: escalations wait in
    /// the outbox and are delivered when it is back.
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
        services.AddSingleton<IEscalationHandler>(sp => new WebhookEscalationHandler(sp.GetRequiredService<SqliteOutbox>()));
        services.TryAddSingleton(sp => new WebhookDeliveryWorker(
            sp.GetRequiredService<SqliteOutbox>(),
            sp.GetRequiredService<IOptions<WebhookOptions>>().Value,
            meterFactory: sp.GetRequiredService<IMeterFactory>()));
        services.AddHostedService<WebhookDeliveryService>();
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

    private sealed class WebhookDeliveryService(WebhookDeliveryWorker worker) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => worker.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => worker.StopAsync(cancellationToken);
    }
}
