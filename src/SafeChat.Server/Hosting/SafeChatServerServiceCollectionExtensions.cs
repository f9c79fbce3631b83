using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Escalation;
using SafeChat.Policies;
using SafeChat.Scoring;
using SafeChat.Server;
using SafeChat.Server.Diagnostics;
using SafeChat.Server.Hosting;
using SafeChat.Server.Hubs;
using SafeChat.Server.Moderation;
using SafeChat.State;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SafeChat server integration.</summary>
public static class SafeChatServerServiceCollectionExtensions
{
    /// <summary>
    /// Adds SafeChat to an ASP.NET Core host: the engine, the policy (the <c>strict-minors</c> preset unless configured),
    /// in-memory state for one node, the moderation queue, the escalation dispatcher (every registered
    /// <see cref="IEscalationHandler"/>), the moderation API's authorization policies, and the SignalR hub filter on every
    /// hub. Options are validated when the host starts. The host chooses the scorer: register an
    /// <see cref="ISafetyScorer"/> (<c>services.AddSafeChatOnnxScorer()</c> from the SafeChat.Inference package for the
    /// shipped ONNX models, or your own). The host also registers an <see cref="ISafeChatHubResolver"/>; chain
    /// <c>AddRedis</c> for several nodes.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Changes the options.</param>
    public static ISafeChatServerBuilder AddSafeChatServer(this IServiceCollection services, Action<SafeChatServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<SafeChatServerOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SafeChatServerOptions>, SafeChatServerOptionsValidator>());
        services.TryAddSingleton<SafeChatServerMarker>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddLogging();
        DecorateLoggerFactory(services);
        services.TryAddSingleton<SafeChatServerMetrics>();

        services.TryAddSingleton<IConversationStateStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SafeChatServerOptions>>().Value.Engine;
            return new InMemoryConversationStateStore(options.MaxConversations, options.MaxDormantConversations, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<IUserStateStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SafeChatServerOptions>>().Value.Engine;
            return new InMemoryUserStateStore(options.MaxUsers, options.UserIdleTimeout, options.MaxContactsPerUser, options.MaxTotalContacts, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<IPolicyStateStore>(sp => new InMemoryPolicyStateStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IEscalationQueue>(_ => new InMemoryEscalationQueue());
        services.TryAddSingleton<IConversationFreezeStore, InMemoryConversationFreezeStore>();
        services.TryAddSingleton<IMessagePolicy>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SafeChatServerOptions>>().Value;
            var definition = options.Policy ?? PolicyPresets.Load(options.PolicyPreset);
            return new PolicyEngine(definition, sp.GetRequiredService<IPolicyStateStore>(), sp.GetRequiredService<TimeProvider>());
        });
        // Standing sender holds (hold-sender) live with the policy's state; a reviewer's decision lifts them.
        services.TryAddSingleton<ISenderHoldStore>(sp => sp.GetRequiredService<IMessagePolicy>() is PolicyEngine engine
            ? engine.Holds
            : sp.GetRequiredService<IPolicyStateStore>() as ISenderHoldStore ?? new InMemoryPolicyStateStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SafeChatServerOptions>>().Value;
            return new SafeChatEngine(
                sp.GetRequiredService<ISafetyScorer>(),
                options.Engine,
                sp.GetRequiredService<IMessagePolicy>(),
                sp.GetService<IConnectionDirectory>(),
                sp.GetRequiredService<IConversationStateStore>(),
                sp.GetRequiredService<IUserStateStore>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        });
        // Escalations: one store (in memory unless AddWebhooks brings the durable SQLite outbox), the moderation queue as one handler.
        services.TryAddSingleton<IEscalationStore>(_ => new InMemoryEscalationStore());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEscalationHandler, ModerationQueueEscalationHandler>(sp =>
            new ModerationQueueEscalationHandler(sp.GetRequiredService<IEscalationQueue>(), sp.GetRequiredService<SafeChatServerMetrics>())));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SafeChatServerOptions>>().Value;
            return new EscalationDispatcher(
                sp.GetRequiredService<IEscalationStore>(),
                sp.GetServices<IEscalationHandler>(),
                options.Dispatcher,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        });
        services.TryAddSingleton(sp => new SafeChatModerator(
            sp.GetRequiredService<SafeChatEngine>(),
            sp.GetRequiredService<IConversationFreezeStore>(),
            sp.GetRequiredService<EscalationDispatcher>(),
            sp.GetService<IConnectionDirectory>(),
            sp.GetRequiredService<IOptions<SafeChatServerOptions>>(),
            sp.GetRequiredService<SafeChatServerMetrics>(),
            sp.GetRequiredService<ILogger<SafeChatModerator>>()));

        services.TryAddSingleton<SafeChatHubFilter>();
        services.Configure<HubOptions>(hub => hub.AddFilter<SafeChatHubFilter>());

        services.AddAuthorization();
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<SafeChatServerOptions>>((authorization, safeChat) =>
        {
            authorization.AddPolicy(SafeChatServerOptions.ModeratorPolicyName, policy => policy.RequireAuthenticatedUser().RequireRole(safeChat.Value.ModeratorRole));
            authorization.AddPolicy(SafeChatServerOptions.AppealPolicyName, policy => policy.RequireAuthenticatedUser());
        });
        return new SafeChatServerBuilder(services);
    }

    // A refused message or join reaches the client as a SafeChatHubException, which SignalR would log as an error with a
    // stack trace; the wrapper drops those entries (the hub filter logs one Information line per refusal instead).
    private static void DecorateLoggerFactory(IServiceCollection services)
    {
        var index = -1;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(ILoggerFactory) && !services[i].IsKeyedService)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            return;
        }

        var original = services[index];
        if (original.ImplementationType == typeof(HubRefusalLoggerFactory) || services.Any(d => d.ServiceType == typeof(HubRefusalLoggerFactoryMarker)))
        {
            return;
        }

        services.AddSingleton<HubRefusalLoggerFactoryMarker>();
        services[index] = ServiceDescriptor.Singleton<ILoggerFactory>(sp => original switch
        {
            { ImplementationInstance: ILoggerFactory instance } => new HubRefusalLoggerFactory(instance, ownsInner: false),
            { ImplementationFactory: { } factory } => new HubRefusalLoggerFactory((ILoggerFactory)factory(sp), ownsInner: true),
            { ImplementationType: { } type } => new HubRefusalLoggerFactory((ILoggerFactory)ActivatorUtilities.CreateInstance(sp, type), ownsInner: true),
            _ => throw new InvalidOperationException("The registered ILoggerFactory has no implementation."),
        });
    }

    private sealed class HubRefusalLoggerFactoryMarker;
}
