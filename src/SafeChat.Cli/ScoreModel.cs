using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Cli;

/// <summary>What <c>safechat score</c> loads before the engine can start: the scorer and the policy (if any).</summary>
internal sealed record ScoreModel(ISafetyScorer Scorer, IMessagePolicy? Policy);
