using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SafeChat.Conversations;
using SafeChat.Server.Moderation;
using SafeChat.Server.Tests.Support;
using StackExchange.Redis;

namespace SafeChat.Server.Tests.Redis;

[Collection(RedisCollection.Name)]
public sealed class SharedMultiplexerTests(RedisFixture redis)
{
    [RedisFact]
    public async Task AddRedis_WithHostMultiplexerInDi_ReusesItAndLeavesItOpen()
    {
        using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.Server.Configuration);
        var prefix = RedisStores.UniquePrefix();
        await using (var host = await ChatTestHost.StartAsync(
            services: s => s.AddSingleton<IConnectionMultiplexer>(multiplexer),
            safeChat: s => s.AddRedis(o => o.KeyPrefix = prefix)))
        {
            host.Rooms.Create("lobby", RoomKind.Public, new Participant("teen-1", AgeBand.Teen));
            await using var adult = await host.ConnectAsync("adult-1", 30);
            foreach (var line in new[] { "how old r u", "so mature", "our secret" })
            {
                await HeldAware.SendAsync(adult, "lobby", line);
            }

            Assert.Single(await EscalationQueueWait.ListAsync(host.Services.GetRequiredService<IEscalationQueue>()));
        }

        Assert.True(multiplexer.IsConnected);
        var indexKey = prefix + "{esc}:index";
        Assert.Equal(1, await multiplexer.GetDatabase().SortedSetLengthAsync(indexKey));
    }
}
