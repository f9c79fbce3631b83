using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SafeChat.Scoring;
using SafeChat.Server;
using SafeChat.Server.Moderation;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Turns the SafeChat server integration on in the request pipeline.</summary>
public static class SafeChatApplicationBuilderExtensions
{
    /// <summary>
    /// Checks that <c>AddSafeChatServer</c> ran and builds the moderator now (so a bad policy, scorer or backend
    /// configuration fails at start, not on the first message).
    /// </summary>
    /// <exception cref="InvalidOperationException">AddSafeChatServer was not called, or no <c>ISafetyScorer</c> is registered.</exception>
    public static IApplicationBuilder UseSafeChat(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RequireServices(app.ApplicationServices, nameof(UseSafeChat));
        _ = app.ApplicationServices.GetRequiredService<SafeChatModerator>();
        return app;
    }

    /// <summary>
    /// Maps the moderation API under <paramref name="prefix"/>: <c>GET escalations</c> (query <c>status</c>, <c>limit</c>),
    /// <c>GET escalations/{id}</c>, <c>POST escalations/{id}/review</c> (body <c>{"outcome":"confirmed"|"false_positive","note":...}</c>)
    /// — all three need the moderator role — and <c>POST escalations/{id}/appeal</c> (body <c>{"reason":...}</c>, any
    /// authenticated user). The host supplies authentication.
    /// </summary>
    /// <exception cref="InvalidOperationException">AddSafeChatServer was not called, or no <c>ISafetyScorer</c> is registered.</exception>
    public static RouteGroupBuilder MapSafeChatModerationApi(this IEndpointRouteBuilder endpoints, string prefix = "/safechat/moderation")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        RequireServices(endpoints.ServiceProvider, nameof(MapSafeChatModerationApi));
        return ModerationApi.Map(endpoints, prefix);
    }

    private static void RequireServices(IServiceProvider services, string caller)
    {
        if (services.GetService<SafeChatServerMarker>() is null)
        {
            throw new InvalidOperationException(
                $"Unable to find the required SafeChat services. Call 'services.AddSafeChatServer(...)' (builder.Services.AddSafeChatServer) before calling '{caller}'.");
        }

        if (services.GetService<IServiceProviderIsService>() is { } isService && !isService.IsService(typeof(ISafetyScorer)))
        {
            throw new InvalidOperationException(
                $"No ISafetyScorer is registered. Call 'services.AddSafeChatOnnxScorer()' (package SafeChat.Inference) for the shipped ONNX models, or register your own ISafetyScorer, before calling '{caller}'.");
        }
    }
}
