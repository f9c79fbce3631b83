using SafeChat.Conversations;

namespace SafeChat.Scoring;

/// <summary>
/// The one seam between the engine and a detection model. The engine asks for per-message signals once per
/// message (cached in its window), then asks for a window-level assessment built from which signals fired and who said them.
/// Implementations must be thread-safe.
/// </summary>
public interface ISafetyScorer
{
    /// <summary>What the scorer is: model ids and versions, its signal list, its default alert thresholds.</summary>
    ScorerDescriptor Descriptor { get; }

    /// <summary>Scores one message (the on-device path).</summary>
    MessageSignals AnalyzeMessage(string text);

    /// <summary>Scores many messages at once (the server path). Returns one result per text, in order.</summary>
    IReadOnlyList<MessageSignals> AnalyzeBatch(IReadOnlyList<string> texts);

    /// <summary>Builds the risk of a conversation window from its messages' signals and their authors.</summary>
    RiskAssessment Assess(IReadOnlyList<WindowMessage> window);
}
