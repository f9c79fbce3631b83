using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SafeChat.Conversations;
using SafeChat.Scoring;
using SafeChat.Testing;
using SafeChat.Server.Hubs;

namespace SafeChat.Server.Tests.Support;

/// <summary>Rooms and members known to a test host (the host's own room directory).</summary>
public sealed class TestRooms
{
    private readonly ConcurrentDictionary<string, (RoomKind Kind, ConcurrentDictionary<string, Participant> Members)> _rooms = new();

    public void Create(string roomId, RoomKind kind, params Participant[] members)
    {
        var room = _rooms.GetOrAdd(roomId, _ => (kind, new ConcurrentDictionary<string, Participant>()));
        foreach (var member in members)
        {
            room.Members[member.Id] = member;
        }
    }

    public Room? Find(string roomId) => _rooms.TryGetValue(roomId, out var room) ? new Room(roomId, room.Kind) : null;

    public IReadOnlyList<Participant> Members(string roomId) => _rooms.TryGetValue(roomId, out var room) ? [.. room.Members.Values] : [];

    public void Add(string roomId, Participant participant)
    {
        if (_rooms.TryGetValue(roomId, out var room))
        {
            room.Members[participant.Id] = participant;
        }
    }
}

/// <summary>Reads the caller from the query string (?user=..&amp;age=..): the test host's stand-in for real sign-in.</summary>
public sealed class TestResolver(TestRooms rooms) : ISafeChatHubResolver
{
    public ValueTask<Participant?> ResolveCallerAsync(HubInvocationContext invocation, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Caller(invocation.Context));

    public ValueTask<Room?> ResolveRoomAsync(HubInvocationContext invocation, string roomId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(rooms.Find(roomId));

    public ValueTask<IReadOnlyList<Participant>> ResolveMembersAsync(HubInvocationContext invocation, string roomId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(rooms.Members(roomId));

    public static Participant? Caller(HubCallerContext context)
    {
        var query = context.GetHttpContext()?.Request.Query;
        if (query is null || string.IsNullOrEmpty(query["user"]))
        {
            return null;
        }

        var age = int.TryParse(query["age"], out var years) ? years : (int?)null;
        return new Participant(query["user"]!, Participant.BandForAge(age), AgeAssurance.SelfDeclared);
    }
}

public sealed class QueryUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.GetHttpContext()?.Request.Query["user"];
}

public sealed class TestChatHub(TestRooms rooms) : Hub
{
    [SafeChatJoin]
    public async Task Join(string roomId)
    {
        rooms.Add(roomId, TestResolver.Caller(Context)!);
        await Groups.AddToGroupAsync(Context.ConnectionId, roomId);
    }

    [SafeChatMessage]
    public async Task<string> Send(string roomId, string text)
    {
        await Clients.OthersInGroup(roomId).SendAsync("message", text);
        return "delivered";
    }

    [SafeChatMessage(RoomParameter = "room", TextParameter = "body")]
    public Task<string> SendWithId(string room, string body, string messageId) => Task.FromResult("delivered " + messageId);

    [SafeChatMessage]
    public Task<string> Crash(string roomId, string text) => throw new InvalidOperationException("the hub method itself failed");

    public string Ping() => "pong";
}

/// <summary>An in-process SafeChat server on a TestServer, with the test hub at /hub and the moderation API.</summary>
public sealed class ChatTestHost : IAsyncDisposable
{
    private ChatTestHost(WebApplication app) => App = app;

    public WebApplication App { get; }

    public TestServer Server => App.GetTestServer();

    public TestRooms Rooms => App.Services.GetRequiredService<TestRooms>();

    public IServiceProvider Services => App.Services;

    public static async Task<ChatTestHost> StartAsync(
        Action<SafeChatServerOptions>? configure = null,
        string? redis = null,
        Action<IServiceCollection>? services = null,
        Action<ISafeChatServerBuilder>? safeChat = null,
        string redisPrefix = "safechat:",
        TimeSpan? redisTimeout = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TestRooms>();
        builder.Services.AddSingleton<ISafetyScorer>(_ => new MarkerScorer(groomingThreshold: 0.5f, sextortionThreshold: 0.5f, keywords: MarkerScorer.ChatKeywords));
        builder.Services.AddSingleton<ISafeChatHubResolver, TestResolver>();
        builder.Services.AddSingleton<IUserIdProvider, QueryUserIdProvider>();
        builder.Services.AddSignalR();
        builder.Services.AddAuthentication(ApiKeyAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services?.Invoke(builder.Services);
        var server = builder.Services.AddSafeChatServer(configure);
        if (redis is not null)
        {
            server.AddRedis(o =>
            {
                o.Configuration = redis;
                o.KeyPrefix = redisPrefix;
                // Generous by default: two cores run every test assembly at once, and a first connect can take
                // seconds. Outage tests pass a short timeout so that a dead Redis is noticed quickly.
                o.OperationTimeout = redisTimeout ?? RedisTestTimeouts.Default;
                o.ConnectTimeout = redisTimeout ?? RedisTestTimeouts.Default;
            });
        }

        safeChat?.Invoke(server);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseSafeChat();
        app.MapHub<TestChatHub>("/hub");
        app.MapSafeChatModerationApi();
        await app.StartAsync();
        return new ChatTestHost(app);
    }

    public async Task<HubConnection> ConnectAsync(string user, int? age)
    {
        var url = new Uri(Server.BaseAddress, $"hub?user={Uri.EscapeDataString(user)}&age={age}");
        var connection = new HubConnectionBuilder()
            .WithUrl(url, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.WebSocketFactory = async (context, cancellationToken) =>
                    await Server.CreateWebSocketClient().ConnectAsync(context.Uri, cancellationToken);
            })
            .Build();
        await connection.StartAsync();
        return connection;
    }

    public HttpClient CreateModeratorClient(string key = ApiKeyAuthentication.ModeratorKey)
    {
        var client = Server.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
