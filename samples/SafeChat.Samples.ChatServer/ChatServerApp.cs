using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SafeChat.Conversations;
using SafeChat.Escalation;
using SafeChat.Evidence;
using SafeChat.Imaging;
using SafeChat.Server;
using SafeChat.Server.Hubs;

namespace SafeChat.Samples.ChatServer;

/// <summary>Builds the sample chat server. Tests call <see cref="Build"/> with their own URLs and settings.</summary>
public static class ChatServerApp
{
    /// <summary>Builds (but does not start) the app.</summary>
    /// <param name="args">Command-line arguments (for example <c>--urls http://127.0.0.1:0</c>).</param>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The recorder runs outside SafeChat's hub filter (added first), so it sees every outcome, delivered or not.
        // Images travel through the hub in this sample (SendImage), so a message may be up to 4 MiB (SignalR's default is 32 KiB).
        builder.Services.AddSignalR(o =>
        {
            o.AddFilter<ModerationRecorder>();
            o.MaximumReceiveMessageSize = 4 * 1024 * 1024;
        });
        builder.Services.AddSingleton<ModerationRecorder>();
        builder.Services.AddSingleton<ChatRooms>();
        builder.Services.AddSingleton<ConversationLog>();
        builder.Services.AddSingleton<ConsoleState>();
        builder.Services.AddSingleton<InMemoryConnectionDirectory>();
        builder.Services.AddSingleton<IConnectionDirectory>(sp => sp.GetRequiredService<InMemoryConnectionDirectory>());
        builder.Services.AddSingleton<IEvidenceStore>(sp => new InMemoryEvidenceStore(timeProvider: sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IEscalationHandler, ModeratorPushHandler>());
        builder.Services.AddSingleton<ISafeChatHubResolver, ChatHubResolver>();
        builder.Services.AddSingleton<IUserIdProvider, QueryUserIdProvider>();
        builder.Services
            .AddAuthentication(ModeratorApiKeyHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ModeratorApiKeyHandler>(ModeratorApiKeyHandler.SchemeName, null);

        var safeChat = builder.Configuration.GetSection("SafeChat");
        // Models trained with `safechat-train` when SafeChat:ModelsDirectory is set; otherwise the models shipped in
        // SafeChat.Inference.
        builder.Services.AddSafeChatOnnxScorer(o => o.ModelsDirectory = safeChat["ModelsDirectory"]);

        // Known-image hash lists (SafeChat:HashLists, comma-separated files in the docs/images-and-signals.md format): image
        // messages are matched before delivery, and a match is blocked, frozen and escalated with an evidence bundle.
        var hashLists = (safeChat["HashLists"] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var imageMatcher = hashLists.Length > 0 ? new HashListMatcher(HashListIndex.FromFiles(hashLists)) : null;
        builder.Services.AddSingleton<IEvidenceStore>(sp => new InMemoryEvidenceStore(timeProvider: sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IEscalationHandler>(sp => new KnownImageEvidence(
            sp.GetRequiredService<ChatRooms>(), sp.GetRequiredService<IEvidenceStore>(), sp.GetRequiredService<TimeProvider>()));

        var server = builder.Services.AddSafeChatServer(o =>
        {
            o.Engine.ImageMatcher = imageMatcher;
            o.PolicyPreset = safeChat["PolicyPreset"] ?? o.PolicyPreset;
            if (Enum.TryParse<StateFailureMode>(safeChat["FailureMode"], ignoreCase: true, out var mode))
            {
                o.FailureMode = mode;
            }
        });
        if (safeChat["Redis"] is { Length: > 0 } redis)
        {
            server.AddRedis(o => o.Configuration = redis);
        }

        var app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseSafeChat();
        app.MapHub<ChatHub>("/hubs/chat");
        app.MapHub<ModeratorHub>("/hubs/moderation");
        app.MapSafeChatModerationApi();
        ConsoleApi.Map(app);
        return app;
    }
}
