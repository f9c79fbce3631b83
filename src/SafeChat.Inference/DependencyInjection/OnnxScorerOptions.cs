namespace SafeChat.Inference;

/// <summary>Where <c>AddSafeChatOnnxScorer</c> loads the models from.</summary>
public sealed class OnnxScorerOptions
{
    /// <summary>
    /// A <c>models</c> directory holding <c>safechat-signals-v1/</c> and <c>safechat-risk-v1/</c> (for example written
    /// by <c>safechat-train</c>); null or empty loads the models embedded in this package
    /// (<see cref="OnnxSafetyScorer.LoadDefault"/>).
    /// </summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>
    /// How many distinct message texts keep their per-message outputs in memory (see
    /// <see cref="OnnxSafetyScorer.MessageCacheCapacity"/>); 0 turns the cache off.
    /// </summary>
    public int MessageCacheCapacity { get; set; } = OnnxSafetyScorer.DefaultMessageCacheCapacity;
}
