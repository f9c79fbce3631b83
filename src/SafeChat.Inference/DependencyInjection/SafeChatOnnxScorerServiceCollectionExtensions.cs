using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SafeChat.Inference;
using SafeChat.Scoring;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ONNX scorer with a host's services.</summary>
public static class SafeChatOnnxScorerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="OnnxSafetyScorer"/> as the singleton <see cref="ISafetyScorer"/> (replacing a scorer registered
    /// before). The models load, and their sha256 is checked, when the scorer is first resolved; the container disposes
    /// it. Without <paramref name="configure"/> the models embedded in this package are used.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets <see cref="OnnxScorerOptions.ModelsDirectory"/> to load trained models from disk.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddSafeChatOnnxScorer(this IServiceCollection services, Action<OnnxScorerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<OnnxScorerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<OnnxScorerOptions>>().Value;
            string? directory = settings.ModelsDirectory;
            var scorer = string.IsNullOrEmpty(directory) ? OnnxSafetyScorer.LoadDefault() : OnnxSafetyScorer.Load(directory);
            if (settings.MessageCacheCapacity != OnnxSafetyScorer.DefaultMessageCacheCapacity)
            {
                scorer.MessageCacheCapacity = settings.MessageCacheCapacity;
            }

            return scorer;
        });
        services.Replace(ServiceDescriptor.Singleton<ISafetyScorer>(sp => sp.GetRequiredService<OnnxSafetyScorer>()));
        return services;
    }
}
