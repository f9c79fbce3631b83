using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using SafeChat.Conversations;
using SafeChat.Scoring;
using SafeChat.Testing;
using SafeChat.Server.Tests.Support;

namespace SafeChat.Server.Tests.Hosting;

public sealed class HostingTests
{
    [Fact]
    public void UseSafeChat_WithoutAddSafeChatServer_ThrowsNamingAdd()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.UseSafeChat());
        var mapError = Assert.Throws<InvalidOperationException>(() => app.MapSafeChatModerationApi());

        Assert.Contains("AddSafeChatServer", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddSafeChatServer", mapError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseSafeChat_NoScorerRegistered_ThrowsNamingAddSafeChatOnnxScorer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSafeChatServer();
        using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.UseSafeChat());

        Assert.Contains("No ISafetyScorer is registered", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddSafeChatOnnxScorer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseSafeChat_OnnxScorerAddedByHost_EngineUsesIt()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSafeChatOnnxScorer();
        builder.Services.AddSafeChatServer();
        await using var app = builder.Build();

        app.UseSafeChat();

        var scorer = app.Services.GetRequiredService<ISafetyScorer>();
        Assert.IsType<SafeChat.Inference.OnnxSafetyScorer>(scorer);
        Assert.Same(scorer, app.Services.GetRequiredService<SafeChat.Inference.OnnxSafetyScorer>());
    }

    [Fact]
    public async Task Start_InvalidOptions_FailsNamingEverySetting()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSafeChatServer(o =>
        {
            o.Engine.WindowSize = 0;
            o.PolicyPreset = "lenient";
            o.MaxEscalationsPerPage = 0;
        });
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("SafeChatServerOptions.Engine: WindowSize must be at least 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("PolicyPreset: 'lenient' is not a preset", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxEscalationsPerPage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_RedisWithoutConfiguration_FailsNamingTheSetting()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<ISafetyScorer>(_ => new MarkerScorer(groomingThreshold: 0.5f, sextortionThreshold: 0.5f, keywords: MarkerScorer.ChatKeywords));
        builder.Services.AddSafeChatServer().AddRedis(o => o.OperationTimeout = TimeSpan.Zero);
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("SafeChatRedisOptions.Configuration is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("SafeChatRedisOptions.OperationTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_RedisBreakerSettingsOutOfRange_FailsNamingBoth()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<ISafetyScorer>(_ => new MarkerScorer(groomingThreshold: 0.5f, sextortionThreshold: 0.5f, keywords: MarkerScorer.ChatKeywords));
        builder.Services.AddSafeChatServer().AddRedis(o =>
        {
            o.Configuration = "127.0.0.1:1";
            o.BreakerFailureThreshold = 0;
            o.BreakerDuration = TimeSpan.FromMilliseconds(1);
        });
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("SafeChatRedisOptions.BreakerFailureThreshold must be between 1 and 1000 (was 0)", error.Message, StringComparison.Ordinal);
        Assert.Contains("SafeChatRedisOptions.BreakerDuration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WebhooksWithShortSecret_FailsNamingTheSetting()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<ISafetyScorer>(_ => new MarkerScorer(groomingThreshold: 0.5f, sextortionThreshold: 0.5f, keywords: MarkerScorer.ChatKeywords));
        builder.Services.AddSafeChatServer().AddWebhooks(Path.Combine(Path.GetTempPath(), $"safechat-{Guid.NewGuid():N}.db"), o =>
        {
            o.Endpoint = new Uri("http://127.0.0.1:9/hook");
            o.Secret = "short";
        });
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("WebhookOptions.Secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_MessagesAndJoins_AreCountedByOutcomeWithoutIds()
    {
        await using var host = await ChatTestHost.StartAsync();
        var meterFactory = host.Services.GetRequiredService<IMeterFactory>();
        using var messages = new MetricCollector<long>(meterFactory, "SafeChat", "safechat.server.messages");
        using var joins = new MetricCollector<long>(meterFactory, "SafeChat", "safechat.server.joins");
        using var escalations = new MetricCollector<long>(meterFactory, "SafeChat", "safechat.server.escalations.recorded");
        host.Rooms.Create("den", RoomKind.Private, new Participant("teen-1", AgeBand.Teen), new Participant("adult-1", AgeBand.Adult));
        host.Rooms.Create("lobby", RoomKind.Public, new Participant("teen-1", AgeBand.Teen));
        await using var adult = await host.ConnectAsync("adult-1", 40);

        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => adult.InvokeAsync<string>("Send", "den", "hi"));
        foreach (var line in new[] { "how old r u", "so mature", "our secret", "add my snap" })
        {
            await HeldAware.SendAsync(adult, "lobby", line);
        }

        await adult.InvokeAsync("Join", "lobby");

        // The moderation queue records the escalation (and counts it) on the dispatcher's loop, just after the message
        // is moderated: wait for the count instead of racing it.
        for (var waited = 0; escalations.GetMeasurementSnapshot().Count == 0 && waited < 10_000; waited += 20)
        {
            await Task.Delay(20);
        }

        var outcomes = messages.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!).ToList();
        Assert.Equal(1, outcomes.Count(o => o == "blocked"));
        Assert.Equal(4, outcomes.Count(o => o is "delivered" or "held")); // strict-minors holds the adult once escalated
        Assert.Contains("held", outcomes);
        Assert.Equal("allowed", joins.GetMeasurementSnapshot().Single().Tags["outcome"]);
        var recorded = Assert.Single(escalations.GetMeasurementSnapshot());
        Assert.Equal("grooming-escalate", recorded.Tags["rule"]);
        var allTagValues = messages.GetMeasurementSnapshot().Concat(joins.GetMeasurementSnapshot()).Concat(escalations.GetMeasurementSnapshot())
            .SelectMany(m => m.Tags.Values).Select(v => v?.ToString() ?? string.Empty).ToList();
        Assert.DoesNotContain(allTagValues, v => v.Contains("adult-1", StringComparison.Ordinal) || v.Contains("lobby", StringComparison.Ordinal) || v.Contains("secret", StringComparison.Ordinal));
    }
}
