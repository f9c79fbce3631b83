using SafeChat.Inference.Features;

namespace SafeChat.Training.Data;

/// <summary>Deterministic splits by a stable hash (FNV-1a) of a group key, so a group never straddles parts.</summary>
internal static class Splits
{
    /// <summary>Percent of a corpus held out for final evaluation.</summary>
    public const int HeldoutPercent = 20;

    /// <summary>Percent of a corpus used as validation (thresholds), carved from what is not held out.</summary>
    public const int ValidationPercent = 15;

    /// <summary>Splits a corpus that has no held-out file of its own into train / validation / held-out.</summary>
    public static DataPart ForCorpus(string corpus, string groupKey)
    {
        uint bucket = FeatureHashing.StableHash(corpus + "|" + groupKey) % 100;
        return bucket < HeldoutPercent ? DataPart.Heldout
            : bucket < HeldoutPercent + ValidationPercent ? DataPart.Validation
            : DataPart.Train;
    }

    /// <summary>Splits a training file (its held-out part lives in separate files) into train / validation.</summary>
    public static DataPart ForTrainingFile(string corpus, string groupKey) =>
        FeatureHashing.StableHash(corpus + "|val|" + groupKey) % 100 < ValidationPercent ? DataPart.Validation : DataPart.Train;

    /// <summary>The out-of-fold index of a group.</summary>
    public static int Fold(string groupKey, int folds) => (int)(FeatureHashing.StableHash("fold|" + groupKey) % (uint)folds);
}
