using System.Globalization;
using System.Text.Json.Nodes;
using SafeChat.Conversations;
using SafeChat.Inference.Models;
using SafeChat.Inference.Onnx;
using SafeChat.Scoring;

namespace SafeChat.Inference.Features;

/// <summary>
/// The semantic second stage for grooming: a logistic model over distilled sentence embeddings of an author's lines and
/// of the lines the author is answering, asked only about authors the fast path already finds risky.
/// </summary>
/// <remarks>
/// <para>Training (<c>safechat-train semantic-stage</c>) encodes every token of SafeChat's vocabulary alone with
/// all-MiniLM-L6-v2 (a static, Model2Vec-style table; with <c>--stage-token-regression</c>, as shipped since v9, the
/// vectors are then fitted so that a line's mean approximates the encoder's embedding of the whole line), represents a
/// line by the mean of its tokens' vectors, an author
/// by the mean over their lines (and the other participants' lines), and fits the logistic model on real chat. Because
/// the model is linear in those means, it ships as per-token weights: a sparse linear ONNX graph (<c>semantic.onnx</c>,
/// ids = token ids, values = 1/n) gives each line two scores, its share as the author's words and as context, stored
/// in <see cref="MessageSignals.SemanticAuthor"/> and <see cref="MessageSignals.SemanticContext"/> as
/// sigmoid(log-odds / scale). No encoder runs at run time and no text is kept.</para>
/// <para>At assessment, for each author whose grooming risk is at least <see cref="Gate"/> (who is not known to be a
/// minor, and whom the known ages leave a possible minor target: meaning never overrules ages), the stage's probability
/// is sigmoid(scale·mean own + scale·mean context + count terms + bias). When it reaches <see cref="Threshold"/>, the
/// author's grooming risk is raised to at least the harm's alert threshold, rising with the stage's probability: the
/// stage adds alerts on risky windows, it never removes one.</para>
/// </remarks>
internal sealed class SemanticStage
{
    /// <summary>The risk card's hyperparameter that describes the stage (absent: no semantic stage).</summary>
    public const string CardKey = "semantic_stage";

    /// <summary>The stage's graph file in the risk model's directory.</summary>
    public const string FileName = "semantic.onnx";

    private const float MinProbability = 1e-6f;
    private readonly SparseLinearKernel _kernel;

    private SemanticStage(SparseLinearKernel kernel, string sha256)
    {
        _kernel = kernel;
        Sha256 = sha256;
    }

    /// <summary>Fast-path grooming risk an author needs before the stage is asked.</summary>
    public float Gate { get; private init; }

    /// <summary>The stage's probability at which it confirms an author.</summary>
    public float Threshold { get; private init; }

    /// <summary>Log-odds per unit of a stored per-line score's logit.</summary>
    public float Scale { get; private init; }

    /// <summary>The stage's intercept.</summary>
    public float Bias { get; private init; }

    /// <summary>Weight of log(1 + the author's lines) / 4.</summary>
    public float OwnCountWeight { get; private init; }

    /// <summary>Weight of log(1 + the other participants' lines) / 4.</summary>
    public float OtherCountWeight { get; private init; }

    /// <summary>SHA-256 of <see cref="FileName"/> (hex), from the card.</summary>
    public string Sha256 { get; }

    /// <summary>Reads the stage from the risk model, or returns null when its card describes none.</summary>
    /// <exception cref="ModelCardException">The description is malformed, the graph is not a sparse linear graph with two
    /// outputs, or it does not cover the signals model's vocabulary.</exception>
    public static SemanticStage? TryLoad(VerifiedModel risk, int vocabularySize)
    {
        string file = $"{risk.SourceName}/{ModelCard.CardFileName}";
        if (!risk.Card.Hyperparameters.TryGetValue(CardKey, out var node) || node is null)
        {
            return null;
        }

        if (node is not JsonObject stage)
        {
            throw new ModelCardException(file, $"$.hyperparameters.{CardKey}", "must be an object.");
        }

        if (!risk.Card.Files.TryGetValue(FileName, out var sha))
        {
            throw new ModelCardException(file, "$.files", $"must list '{FileName}' (the semantic stage's graph).");
        }

        var kernel = LinearGraphReader.TryReadSparse(risk.GetFile(FileName).ToArray());
        if (kernel is null || kernel.OutputCount != 2 || kernel.FeatureCount != vocabularySize)
        {
            throw new ModelCardException(file, $"$.hyperparameters.{CardKey}",
                $"'{FileName}' must be a sparse linear graph with one row per vocabulary token ({vocabularySize.ToString(CultureInfo.InvariantCulture)}) and 2 outputs.");
        }

        return new SemanticStage(kernel, sha)
        {
            Gate = Number(stage, "gate", file, 0f, 1f),
            Threshold = Number(stage, "threshold", file, 0f, 1f),
            Scale = Number(stage, "scale", file, 0f, 1000f),
            Bias = Number(stage, "bias", file, -1000f, 1000f),
            OwnCountWeight = Number(stage, "own_count_weight", file, -1000f, 1000f),
            OtherCountWeight = Number(stage, "other_count_weight", file, -1000f, 1000f),
        };
    }

    /// <summary>The two per-line scores of a tokenized line (0, 0 for a line without tokens).</summary>
    public (float Author, float Context) ScoreLine(IReadOnlyList<int> tokens)
    {
        int n = tokens.Count;
        if (n == 0)
        {
            return (0f, 0f);
        }

        Span<long> ids = n <= 256 ? stackalloc long[n] : new long[n];
        Span<float> values = n <= 256 ? stackalloc float[n] : new float[n];
        float share = 1f / n;
        for (int i = 0; i < n; i++)
        {
            ids[i] = tokens[i];
            values[i] = share;
        }

        Span<float> output = stackalloc float[2];
        _kernel.Run(ids, values, output);
        // Stored as probabilities; never exactly 0, which means "not scored".
        return (Math.Max(output[0], MinProbability), Math.Max(output[1], MinProbability));
    }

    /// <summary>
    /// Raises the grooming risk of the authors the stage confirms (see the remarks). <paramref name="output"/> holds
    /// <see cref="HarmNames.All"/>.Count risks per author of <paramref name="features"/>.
    /// </summary>
    public void Apply(IReadOnlyList<WindowMessage> window, WindowFeatures features, Span<float> output, int groomingIndex, float groomingThreshold)
    {
        if (Threshold >= 1f)
        {
            return; // a threshold of 1 switches the stage off
        }

        int k = HarmNames.All.Count;
        int authors = features.Authors.Count;
        for (int a = 0; a < authors; a++)
        {
            float risk = output[(a * k) + groomingIndex];
            if (risk < Gate || risk >= 1f || features.AgeOf(a) is AgeBand.Child or AgeBand.Teen || !features.HasPossibleGroomingTarget(a))
            {
                continue;
            }

            float p = Probability(window, features.Authors[a]);
            if (p >= Threshold)
            {
                float raised = groomingThreshold + ((1f - groomingThreshold) * (p - Threshold) / Math.Max(1e-6f, 1f - Threshold));
                output[(a * k) + groomingIndex] = Math.Max(risk, Math.Min(1f, raised));
            }
        }
    }

    /// <summary>The stage's probability for one author of the window.</summary>
    public float Probability(IReadOnlyList<WindowMessage> window, string author)
    {
        double own = 0, other = 0;
        int ownCount = 0, otherCount = 0;
        for (int i = 0; i < window.Count; i++)
        {
            var message = window[i];
            bool mine = string.Equals(message.AuthorId, author, StringComparison.Ordinal);
            float stored = mine ? message.Signals.SemanticAuthor : message.Signals.SemanticContext;
            if (stored <= 0f)
            {
                continue;
            }

            double logit = Logit(stored);
            if (mine)
            {
                own += logit;
                ownCount++;
            }
            else
            {
                other += logit;
                otherCount++;
            }
        }

        if (ownCount == 0)
        {
            return 0f;
        }

        double z = Bias + (Scale * own / ownCount) + (otherCount > 0 ? Scale * other / otherCount : 0)
            + (OwnCountWeight * Math.Log(1 + ownCount) / 4) + (OtherCountWeight * Math.Log(1 + otherCount) / 4);
        return (float)(1 / (1 + Math.Exp(-z)));
    }

    private static double Logit(float p)
    {
        double q = Math.Min(1 - 1e-6, Math.Max(1e-6, p));
        return Math.Log(q / (1 - q));
    }

    private static float Number(JsonObject stage, string key, string file, float min, float max)
    {
        if (stage[key] is not JsonValue value || !value.TryGetValue(out double number) || double.IsNaN(number) || number < min || number > max)
        {
            throw new ModelCardException(file, $"$.hyperparameters.{CardKey}.{key}",
                $"must be a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}].");
        }

        return (float)number;
    }
}
