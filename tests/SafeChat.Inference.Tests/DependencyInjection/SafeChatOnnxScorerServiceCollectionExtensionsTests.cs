using Microsoft.Extensions.DependencyInjection;
using SafeChat.Scoring;

namespace SafeChat.Inference.Tests.DependencyInjection;

public sealed class SafeChatOnnxScorerServiceCollectionExtensionsTests
{
    private static readonly string ModelsDirectory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "models"));

    [Fact]
    public void AddSafeChatOnnxScorer_NoOptions_RegistersEmbeddedModelsAsSingletonScorer()
    {
        using var provider = new ServiceCollection().AddSafeChatOnnxScorer().BuildServiceProvider();

        var scorer = provider.GetRequiredService<ISafetyScorer>();

        Assert.IsType<OnnxSafetyScorer>(scorer);
        Assert.Same(scorer, provider.GetRequiredService<ISafetyScorer>());
        Assert.Same(scorer, provider.GetRequiredService<OnnxSafetyScorer>());
        Assert.True(scorer.AnalyzeMessage("how old r u btw").Probabilities.ToArray().Max() > 0.5f);
    }

    [Fact]
    public void AddSafeChatOnnxScorer_ModelsDirectory_LoadsFromDiskAndScoresLikeEmbedded()
    {
        Assert.True(Directory.Exists(Path.Combine(ModelsDirectory, "safechat-signals-v1")), ModelsDirectory);
        using var provider = new ServiceCollection().AddSafeChatOnnxScorer(o => o.ModelsDirectory = ModelsDirectory).BuildServiceProvider();
        using var embedded = OnnxSafetyScorer.LoadDefault();

        var scorer = provider.GetRequiredService<ISafetyScorer>();

        Assert.Equal(embedded.AnalyzeMessage("dont tell ur parents").Probabilities.ToArray(), scorer.AnalyzeMessage("dont tell ur parents").Probabilities.ToArray());
    }

    [Fact]
    public void AddSafeChatOnnxScorer_MissingModelsDirectory_ResolveThrowsNamingThePath()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"safechat-missing-{Guid.NewGuid():N}");
        using var provider = new ServiceCollection().AddSafeChatOnnxScorer(o => o.ModelsDirectory = missing).BuildServiceProvider();

        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<ISafetyScorer>());

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSafeChatOnnxScorer_AfterAnotherScorer_ReplacesIt()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ISafetyScorer>(_ => throw new InvalidOperationException("the earlier scorer must not be built"));

        using var provider = services.AddSafeChatOnnxScorer().BuildServiceProvider();

        Assert.IsType<OnnxSafetyScorer>(provider.GetRequiredService<ISafetyScorer>());
        Assert.Single(services, d => d.ServiceType == typeof(ISafetyScorer));
    }
}
